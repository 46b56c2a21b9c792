package bench

import (
	"fmt"

	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/mnist"
)

// ShoeSize is the side of the shoe benchmark's images: Fashion-MNIST's
// 28x28 centred on black, as the shipped shoe generator was trained.
const ShoeSize = 32

// shoeClass names a Fashion-MNIST shoe label.
func shoeClass(label uint8) string {
	switch label {
	case 5:
		return "sandal"
	case 7:
		return "sneaker"
	case 9:
		return "ankle boot"
	}
	return ""
}

// ShoeClasses returns Fashion-MNIST's shoe labels (sandal, sneaker, ankle
// boot), the classes of the shipped shoe generator.
func ShoeClasses() []int { return []int{5, 7, 9} }

// Shoes returns the blind-deblurring benchmark on held-out shoes of
// Fashion-MNIST (dir holds the IDX files as Debian's dataset-fashion-mnist
// installs them, /usr/share/datasets/fashion-mnist), the offline stand-in
// for the UT-Zappos shoes of Asim et al.:
//
//   - cases "shoe0000" ... : the first o.N shoes (ShoeClasses) of the test
//     split (t10k-*, never seen in training), 28x28 centred on a black
//     ShoeSize square as the generator was trained (generator.FitIDX),
//     values in [0, 1]; Category is the class name;
//   - kernels, noise and scoring as for MNIST with the same options: the
//     same seed gives the same kernels as the digits benchmark.
func Shoes(dir string, o MNISTOptions) (*Dataset, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	set, err := mnist.ReadSplit(dir, "t10k")
	if err != nil {
		return nil, fmt.Errorf("bench: shoes dataset (scripts/setup shoes, or apt-get install dataset-fashion-mnist): %w", err)
	}
	if set.Labels == nil || set.W != 28 || set.H != 28 {
		return nil, fmt.Errorf("bench: shoes dataset %s: want labelled 28x28 images, have %dx%d (labels: %v)", dir, set.W, set.H, set.Labels != nil)
	}
	sharp, labels := generator.FitIDX(set, ShoeClasses(), ShoeSize, o.N)
	cats := make([]string, len(labels))
	for i, l := range labels {
		cats[i] = shoeClass(l)
	}
	if len(sharp) < o.N {
		return nil, fmt.Errorf("bench: shoes dataset %s: %d shoes in the test split, want %d", dir, len(sharp), o.N)
	}
	return synthetic(&Dataset{Name: "shoes", summary: shoesSummary(o)}, "shoe", sharp, cats, o)
}

package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/mnist"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/trajectory"
)

// MNISTMaxShift is the alignment range of the MNIST benchmark's scoring:
// the best integer circular shift within +-2 px (metrics.ScoreCircular).
const MNISTMaxShift = 2

// Random streams of the MNIST benchmark (PCG stream selectors). The kernel
// generator was trained on kernels from stream "kernels" (0x6b65726e656c73)
// of its own seed; the benchmark's kernels come from stream "mnist" of
// MNISTOptions.Seed, so they are not training kernels.
const (
	mnistKernelStream = 0x6d6e697374     // "mnist"
	mnistNoiseStream  = 0x6e6f6973650000 // "noise" << 16, plus the case index
)

// MNISTOptions configures the MNIST benchmark; see MNIST and DefaultMNIST.
type MNISTOptions struct {
	// N is the number of digits: the first N of the held-out set (the
	// last mnist.HeldOutSize images, never used in training), 1 to
	// mnist.HeldOutSize.
	N int
	// Noise is the standard deviation of the Gaussian noise added after
	// blurring, on the [0, 1] scale (>= 0).
	Noise float64
	// Seed fixes the kernels and the noise.
	Seed uint64
	// Length, when positive, fixes every trajectory's total length in
	// pixels (at most the 28-px frame), for the blur-length sweep; 0 draws
	// it uniformly from 5..28 px, the training distribution.
	Length float64
	// KernelSize is the kernel size given to blind methods that take one
	// (SelfDeblur), 3 to 28.
	KernelSize int
}

// DefaultMNIST returns the benchmark's settings: 80 digits (the number of
// test images of the paper's Table 1), 1 % noise, seed 2019, lengths as in
// training, and a 19x19 kernel for SelfDeblur (the centred box that holds
// every tap above 1 % of the peak for about 75 % of the benchmark's
// kernels; median 15, 90th percentile 23).
func DefaultMNIST() MNISTOptions {
	return MNISTOptions{N: 80, Noise: 0.01, Seed: 2019, KernelSize: 19}
}

func (o MNISTOptions) validate() error {
	switch {
	case o.N < 1 || o.N > mnist.HeldOutSize:
		return fmt.Errorf("bench: mnist: %d digits, want 1..%d", o.N, mnist.HeldOutSize)
	case !(o.Noise >= 0) || math.IsInf(o.Noise, 0):
		return fmt.Errorf("bench: mnist: noise level %v", o.Noise)
	case o.Length < 0 || o.Length > trajectory.Default().MaxLength || math.IsNaN(o.Length):
		return fmt.Errorf("bench: mnist: blur length %v px, want 0 (random) or up to %v", o.Length, trajectory.Default().MaxLength)
	case o.KernelSize < 3 || o.KernelSize > trajectory.Default().Size:
		return fmt.Errorf("bench: mnist: kernel size %d, want 3..%d", o.KernelSize, trajectory.Default().Size)
	}
	return nil
}

// MNIST returns the blind-deblurring benchmark on held-out MNIST digits
// (dir holds the IDX files, see mnist.ReadDir), the offline stand-in for
// the SVHN test of Asim et al.:
//
//   - cases "digit0000" ... : the first N digits of the held-out set
//     (mnist.Set.HoldOut: the last 1,000 of the 10,000 shipped digits),
//     pixel values in [0, 1]; Category is the label;
//   - kernels: N camera-shake kernels (trajectory.Default: 28x28 frame, 100
//     samples, anxiety 0.01, lengths 5..28 px or fixed to Length) drawn in
//     case order from rand.NewPCG(Seed, "mnist"), normalised to sum 1;
//   - blurry = clip(sharp ⊛ k + Noise * n, 0, 1), ⊛ the circular
//     convolution with the kernel zero-padded to 28x28 and centred
//     (blur.CircularConvolve, the authors' model), n a standard normal
//     image from rand.NewPCG(Seed, "noise" + case index), the same draws
//     for every noise level.
//
// Nothing is cached: the blurry images are made in memory, in float64,
// whenever a case loads. Scoring: the estimate is aligned by the best
// integer circular shift within +-MNISTMaxShift px (the circular model
// determines a blind estimate only up to such a shift; the 15-px border of
// the benchmarks' protocol does not fit 28x28 images), then PSNR (peak 1) and
// SSIM on the whole 28x28 image (metrics.ScoreCircular).
func MNIST(dir string, o MNISTOptions) (*Dataset, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	set, err := mnist.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bench: mnist dataset: %w", err)
	}
	_, held := set.HoldOut()
	if held.N < o.N || set.H != 28 || set.W != 28 {
		return nil, fmt.Errorf("bench: mnist dataset: %d held-out images of %dx%d, want %d of 28x28", held.N, set.W, set.H, o.N)
	}
	sharp := make([]*plane.Plane, o.N)
	cats := make([]string, o.N)
	for i := range sharp {
		sharp[i] = plane.New(28, 28)
		for j, v := range held.Image(i) {
			sharp[i].Pix[j] = float64(v)
		}
		if held.Labels != nil {
			cats[i] = strconv.Itoa(int(held.Labels[i]))
		}
	}
	return synthetic(&Dataset{Name: "mnist", summary: mnistSummary(o)}, "digit", sharp, cats, o)
}

// synthetic fills d with the cases of a synthesised benchmark: the sharp
// images (gray, any one size of at least 28x28) with their categories,
// named prefix0000 ..., blurred circularly with the kernels of o (drawn in
// case order from stream "mnist" of o.Seed, so every such benchmark with
// the same seed uses the same kernels) plus o.Noise, scored by
// metrics.ScoreCircular.
func synthetic(d *Dataset, prefix string, sharp []*plane.Plane, cats []string, o MNISTOptions) (*Dataset, error) {
	p := trajectory.Default()
	if o.Length > 0 {
		p.MinLength, p.MaxLength = o.Length, o.Length
	}
	kernels, _, err := trajectory.Kernels(rand.New(rand.NewPCG(o.Seed, mnistKernelStream)), len(sharp), p)
	if err != nil {
		return nil, fmt.Errorf("bench: %s kernels: %w", d.Name, err)
	}
	d.score = func(est, gt *plane.Plane) (metrics.Result, error) {
		return metrics.ScoreCircular(est, gt, MNISTMaxShift)
	}
	for i, x := range sharp {
		k := kernels[i]
		if err := k.Normalize(); err != nil {
			return nil, fmt.Errorf("bench: %s kernel %d: %w", d.Name, i, err)
		}
		noise := plane.New(x.W, x.H)
		rng := rand.New(rand.NewPCG(o.Seed, mnistNoiseStream+uint64(i)))
		for j := range noise.Pix {
			noise.Pix[j] = rng.NormFloat64()
		}
		degrade := func(x *imageio.Image) (*imageio.Image, error) {
			return degradeCircular(x, k, noise, o.Noise)
		}
		d.cases = append(d.cases, Case{
			Name: fmt.Sprintf("%s%04d", prefix, i), Category: cats[i], KernelSize: o.KernelSize,
			load: func() (*Sample, error) {
				s := &Sample{Sharp: imageio.NewGray(x.Clone()), Kernel: k.Clone(), Degrade: degrade}
				var err error
				s.Blurry, err = degrade(s.Sharp)
				return s, err
			},
		})
	}
	return d, nil
}

// degradeCircular returns clip(x ⊛ k + sigma n, 0, 1) of a gray image of
// n's size.
func degradeCircular(x *imageio.Image, k, n *plane.Plane, sigma float64) (*imageio.Image, error) {
	if x == nil || !x.IsGray() || !x.Channels[0].SameSize(n) {
		return nil, fmt.Errorf("bench: degrade needs a gray %dx%d image", n.W, n.H)
	}
	b, err := blur.CircularConvolve(x.Channels[0], k)
	if err != nil {
		return nil, err
	}
	for i, v := range n.Pix {
		b.Pix[i] += sigma * v
	}
	return imageio.NewGray(b.Clamp(0, 1)), nil
}

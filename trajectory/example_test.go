package trajectory_test

import (
	"fmt"
	"log"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/trajectory"
)

func Example() {
	p := trajectory.Default() // 28x28, 100 samples, anxiety 0.01, lengths 5..28 px
	rng := nn.NewRand(1)
	tr, err := trajectory.Random(rng, p)
	if err != nil {
		log.Fatal(err)
	}
	k, err := tr.Kernel(p.Size)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d samples, %.2f px long, %dx%d kernel summing to %.6f\n", len(tr.Points), tr.Length, k.W, k.H, k.Sum())

	// A seeded set for training, with its lengths.
	ks, lengths, err := trajectory.Kernels(nn.NewRand(2), 3, p)
	if err != nil {
		log.Fatal(err)
	}
	for i := range ks {
		fmt.Printf("kernel %d: %.2f px\n", i, lengths[i])
	}
	// Output:
	// 100 samples, 6.44 px long, 28x28 kernel summing to 1.000000
	// kernel 0: 27.17 px
	// kernel 1: 8.29 px
	// kernel 2: 17.55 px
}

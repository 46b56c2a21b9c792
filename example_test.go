package deblur_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// Deblur an image.Image with SelfDeblur, reporting progress through a
// Recorder. Real images need the kernel size of their blur and the full
// preset; this example runs a few iterations on a small synthetic picture.
func ExampleSelfDeblur() {
	img := image.NewGray(image.Rect(0, 0, 48, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 48; x++ {
			v := 128 + 100*math.Sin(float64(x)/4)*math.Cos(float64(y)/6)
			img.SetGray(x, y, color.Gray{Y: uint8(v)})
		}
	}
	s := selfdeblur.Fast(7)
	s.Gx = selfdeblur.UniformSkip(8, 4) // tiny network: this is only a demonstration
	s.Iterations = 20
	s.Seed = 42
	s.ReportEvery = 10
	s.Recorder = progress.Func(func(p progress.Event) {
		fmt.Printf("iteration %d of %d (finished: %v)\n", p.Iter, p.Total, p.Finished)
	})
	res, err := deblur.SelfDeblur(context.Background(), img, s)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("image %dx%d, kernel %dx%d summing to %.3f\n",
		res.Image.W(), res.Image.H(), res.Kernel.W, res.Kernel.H, res.Kernel.Sum())
	// Output:
	// iteration 10 of 20 (finished: false)
	// iteration 20 of 20 (finished: true)
	// image 48x48, kernel 7x7 summing to 1.000
}

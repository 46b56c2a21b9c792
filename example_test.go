package deblur_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"log"
	"math"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// Deblur an image with the command's defaults: the kernel size, the
// estimation region and the non-blind finish are all chosen. (A photo
// would come from image.Decode; about a minute for a 255 px image on two
// cores.)
func Example() {
	img := blurryPicture(48)
	res, err := deblur.Deblur(context.Background(), img, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Image.Bounds().Size(), res.Plan.Method, "kernel sums to", math.Round(res.Kernel.Sum()*1000)/1000)
	// Output:
	// (48,48) selfdeblur kernel sums to 1
}

// Choose the method's settings, the kernel size and a progress callback.
func ExampleDeblur_options() {
	opts := &deblur.Options{
		Method:     selfdeblur.Estimator{Preset: selfdeblur.PresetFast, Iterations: 20, Width: 8, Skip: 4},
		KernelSize: 7,
		Seed:       42,
		Recorder: progress.Func(func(e progress.Event) {
			if e.Finished {
				fmt.Printf("%s: %d of %d iterations\n", e.Stage, e.Iter, e.Total)
			}
		}),
	}
	res, err := deblur.Deblur(context.Background(), blurryPicture(48), opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Plan.Frames, res.Plan.Finish)
	// Output:
	// selfdeblur: 20 of 20 iterations
	// [7] irls
}

// blurryPicture is a small smooth test pattern standing in for a photo.
func blurryPicture(n int) image.Image {
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			v := 128 + 100*math.Sin(float64(x)/4)*math.Cos(float64(y)/6)
			img.SetGray(x, y, color.Gray{Y: uint8(v)})
		}
	}
	return img
}

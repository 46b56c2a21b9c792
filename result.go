package deblur

import (
	"image"
	"time"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// Result is what Deblur produces.
type Result struct {
	// Image is the deblurred picture: the input's size, gray for gray
	// input and colour for colour, 16 bits per sample when the input had
	// them (*image.Gray, *image.NRGBA, *image.Gray16 or *image.NRGBA64).
	Image image.Image
	// Kernel is the estimated blur as a convolution kernel at full size
	// (blurry = Kernel convolved with sharp; Pix row by row from the top
	// left), non-negative and summing to 1. Its frame need not be square
	// after centring and trimming; the report holds the same values.
	Kernel *plane.Plane
	// Plan is every choice Deblur made.
	Plan *Plan
	// Estimate is the method's answer: losses, every fit, the settings
	// as run, its kernel at the estimation scale.
	Estimate *blind.Estimate
	// Elapsed is the wall time of the whole call.
	Elapsed time.Duration
	// Report is what the command writes as its JSON report.
	Report *Report

	planes *imageio.Image
}

// Planes returns the output before its quantisation to Image's depth:
// one float64 plane per channel, clamped to [0, 1]. Benchmarks score it.
func (r *Result) Planes() *imageio.Image { return r.planes }

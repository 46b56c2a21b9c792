// Package deblur recovers the blur kernel and the sharp image from one
// blurry photograph (blind deconvolution).
//
// The pipeline reads as a sentence: decode the image, run a blind method
// to estimate the kernel (and the image), optionally finish with non-blind
// deconvolution, and encode the image, the kernel and a report. This
// package is the entry point for Go programs; the methods live in their own
// packages (selfdeblur, ...) and report progress through progress.Recorder.
//
// Colour images: the kernel is always estimated on the BT.601 luma. Blind
// with a non-blind finish (Options.Finish, as the command runs it)
// deconvolves every channel with that kernel; SelfDeblur alone follows the
// SelfDeblur authors' scheme, its luma recombined with the blurry chroma.
//
// SelfDeblur with restarts runs its fits concurrently only when OpenBLAS is
// single-threaded; see SetBLASThreads.
package deblur

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/selfdeblur"
)

// Result is what a blind deblurring run produces.
type Result struct {
	// Image is the deblurred picture: gray in, gray out; colour in, colour out.
	Image *imageio.Image
	// Kernel is the estimated blur as a convolution kernel (blurry = Kernel
	// convolved with sharp), non-negative, summing to 1.
	Kernel *plane.Plane
	// Window is the region of the image the kernel was estimated on.
	Window image.Rectangle
	// Scale is the factor the image was shrunk by for the estimation (1:
	// full size); see Options.MaxEstimateKernel.
	Scale      int
	Losses     []float64 // objective per iteration
	Iterations int       // iterations done (fewer than planned if cancelled)
	Elapsed    time.Duration
	// Seed is the seed of the SelfDeblur fit kept; RestartLosses and
	// RestartSharpness hold every fit's final objective and the
	// selfdeblur.GradientSparsity of its image when the settings ask for
	// restarts (nil otherwise); see selfdeblur.Settings.Restarts and Pick.
	// Picked is the rule that chose among them (selfdeblur.Result.Picked).
	Seed             uint64
	RestartLosses    []float64
	RestartSharpness []float64
	Picked           selfdeblur.Pick
	// PolishLoss is the objective of the kept fit's kernel after its
	// polish (selfdeblur.Settings.PolishIterations); 0 without one.
	PolishLoss float64
	// Settings are the SelfDeblur settings the estimate ran with: those
	// given, with Blind's changes for the estimation region (kernel
	// frames on a shrunk copy, Region.CentreIterations).
	Settings selfdeblur.Settings
}

// SelfDeblur deblurs img with SelfDeblur (see package selfdeblur for the
// settings; selfdeblur.Fast and selfdeblur.Paper are presets). When ctx is
// cancelled it returns the result reached so far together with ctx.Err().
func SelfDeblur(ctx context.Context, img image.Image, s selfdeblur.Settings) (*Result, error) {
	return selfDeblurImage(ctx, imageio.FromImage(img), s)
}

// SelfDeblurPlanes is SelfDeblur on an already decoded image.
func SelfDeblurPlanes(ctx context.Context, im *imageio.Image, s selfdeblur.Settings) (*Result, error) {
	return selfDeblurImage(ctx, im, s)
}

func selfDeblurImage(ctx context.Context, im *imageio.Image, s selfdeblur.Settings) (*Result, error) {
	if im.IsGray() {
		r, err := selfdeblur.Run(ctx, im.Channels[0], s)
		if r == nil {
			return nil, err
		}
		return fromSelfDeblur(imageio.NewGray(r.Image.Clamp(0, 1)), r, s), err
	}
	y, cb, cr, err := imageio.RGBToYCbCr(im)
	if err != nil {
		return nil, fmt.Errorf("deblur: %w", err)
	}
	r, err := selfdeblur.Run(ctx, y, s)
	if r == nil {
		return nil, err
	}
	out, cerr := imageio.YCbCrToRGB(r.Image, cb, cr)
	if cerr != nil {
		return nil, fmt.Errorf("deblur: %w", cerr)
	}
	for _, c := range out.Channels {
		c.Clamp(0, 1)
	}
	return fromSelfDeblur(out, r, s), err
}

func fromSelfDeblur(im *imageio.Image, r *selfdeblur.Result, s selfdeblur.Settings) *Result {
	return &Result{Settings: s, Image: im, Kernel: r.Kernel, Window: image.Rect(0, 0, r.Image.W, r.Image.H), Losses: r.Losses, Iterations: r.Iterations, Elapsed: r.Elapsed, Seed: r.Seed, RestartLosses: r.RestartLosses, RestartSharpness: r.RestartSharpness, Picked: r.Picked, PolishLoss: r.PolishLoss}
}

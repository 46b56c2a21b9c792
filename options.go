package deblur

import (
	"image"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// Options configures Deblur. A nil *Options and the zero Options both mean
// what the command does with no flags: SelfDeblur with its default preset,
// the kernel size chosen, the estimation region and scale chosen, a
// non-blind finish chosen by image size, seed 1. Every field's zero value
// means "chosen by Deblur"; NewPlan says how each is chosen.
type Options struct {
	// Method estimates the kernel. nil means selfdeblur.Estimator{}, the
	// command's default; genprior.Estimator is the deep generative prior,
	// and any blind.Estimator can be given.
	Method blind.Estimator

	// KernelSize is the side, in pixels, of the largest blur expected
	// (at least 3; a little too large is safe). 0: chosen from the size
	// of the estimation region.
	KernelSize int

	// Region is the part of the image, in its own coordinates, to
	// estimate the kernel on; the whole image is then deconvolved with
	// that kernel. It must lie within the image. The empty rectangle lets
	// Deblur choose: the whole of an image up to 320 px, its most
	// informative 320 px square otherwise (see NewPlan).
	Region image.Rectangle

	// Scale is the integer factor the image is shrunk by for the
	// estimation. 0: chosen, so that kernels over 31 px are estimated on a
	// shrunk copy at 31 px or less (large blurs converge far more reliably
	// there) and resampled to full size; 1: always full size.
	Scale int

	// Finish is the non-blind deconvolution that makes the output from
	// the input and the estimated kernel, channel by channel. nil: irls up
	// to 0.3 megapixels, else the hyper-Laplacian variant deconv.ForSize
	// picks (about a minute for a 12-megapixel colour photo).
	Finish deconv.Deconvolver

	// NoFinish makes the output the method's own image instead of a
	// non-blind finish (for colour, its luma with the blurry chroma, as
	// the SelfDeblur authors do); the kernel is then estimated on the
	// whole image at full size. Finish, Region and Scale must be unset.
	NoFinish bool

	// Seed fixes every random draw: the same seed and input give the same
	// output. 0 means 1, the command's default.
	Seed uint64

	// Concurrency is how many goroutines the estimation may keep busy:
	// the method's fits (restarts) run up to that many at once, and the
	// rest go to each fit's matrix products. 0 means GOMAXPROCS. It
	// changes the time taken, not the result.
	Concurrency int

	// Recorder receives progress; it may be nil.
	Recorder progress.Recorder
	// SnapshotEvery, when positive, also sends the current kernel and the
	// method's current image to Recorder every that many iterations
	// (progress.Event's Kernel and Image; the image is of the estimation
	// region), for a live view. Each costs SelfDeblur one forward pass.
	SnapshotEvery int
}

// method returns o's estimator, SelfDeblur's default for none.
func (o *Options) method() blind.Estimator {
	if o.Method == nil {
		return selfdeblur.Estimator{}
	}
	return o.Method
}

// validator is implemented by estimators that can check their settings.
type validator interface{ Validate() error }

// validate checks o against a w x h image; errors are *OptionError.
func (o *Options) validate(w, h int) error {
	switch {
	case o.KernelSize != 0 && o.KernelSize < 3:
		return optionErr("KernelSize", o.KernelSize, "must be 0 (chosen) or at least 3")
	case o.Scale < 0:
		return optionErr("Scale", o.Scale, "must be 0 (chosen), 1 (full size) or a larger shrink factor")
	case o.Concurrency < 0:
		return optionErr("Concurrency", o.Concurrency, "must be 0 (GOMAXPROCS) or positive")
	case o.SnapshotEvery < 0:
		return optionErr("SnapshotEvery", o.SnapshotEvery, "must be 0 (no snapshots) or positive")
	case !o.Region.Empty() && !o.Region.In(image.Rect(0, 0, w, h)):
		return optionErr("Region", o.Region, "must lie within the %dx%d image", w, h)
	case o.NoFinish && o.Finish != nil:
		return optionErr("Finish", deconv.Name(o.Finish), "does not go with NoFinish (the method's own image)")
	case o.NoFinish && !o.Region.Empty():
		return optionErr("Region", o.Region, "does not go with NoFinish: the method's own image covers the whole input")
	case o.NoFinish && o.Scale > 1:
		return optionErr("Scale", o.Scale, "does not go with NoFinish: the method's own image is at full size")
	}
	if v, ok := o.method().(validator); ok {
		if err := v.Validate(); err != nil {
			return optionErr("Method", o.method().Name(), "%v", err)
		}
	}
	return nil
}

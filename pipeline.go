package deblur

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/selfdeblur"
)

// Options configures Blind, the blind deblurring pipeline: estimate the
// kernel with SelfDeblur on the luma (or a window of it), then deconvolve
// every channel of the whole image with that kernel.
type Options struct {
	// SelfDeblur holds the kernel estimation's settings (e.g.
	// selfdeblur.Fast(k)); its KernelSize must be set.
	SelfDeblur selfdeblur.Settings
	// Region says where and at what scale the kernel is estimated; the
	// zero Region estimates on the whole image at full size.
	Region
	// Finish names the non-blind method (see deconv.Methods) that
	// deconvolves every channel of the whole image with the estimated
	// kernel, first centred (kernel.Center: its frame may grow
	// by the shift, and the output is not shifted against the input);
	// AutoFinish chooses one by image size. Empty: the output is
	// SelfDeblur's own image (for colour, its luma with the blurry chroma,
	// as the SelfDeblur authors do).
	Finish string
	// Trim crops the estimated kernel's frame to its support
	// (kernel.Trim, entries of at least 5 % of the peak) before
	// the finish; for kernel sizes chosen generously, e.g. by
	// kernel.AutoSize.
	Trim bool
}

// Region says which part of the image, at which scale, Blind estimates
// the kernel on. Every choice but the whole image at full size requires
// Options.Finish.
type Region struct {
	// EstimateSize, when positive and smaller than a side of the image,
	// restricts the estimation to the most informative EstimateSize x
	// EstimateSize window of the luma (edges in both directions, no
	// saturated pixels); the rest of the image then costs only the final
	// deconvolution.
	EstimateSize int
	// MaxEstimateKernel, when positive, makes kernels larger than that
	// many pixels be estimated on the luma shrunk by the smallest integer
	// factor f that brings the kernel within it (f x f block means; the
	// window of EstimateSize is then chosen on the shrunk copy, so it
	// covers f times as much of the image); the kernel found is resampled
	// to SelfDeblur.KernelSize for the finish (a smaller factor, down to
	// none, is used where the shrunk image would be too small for the
	// image network). Large blurs converge far more reliably, and faster,
	// at the coarse scale.
	MaxEstimateKernel int
	// CentreSize, when positive (with EstimateSize positive), makes an
	// image that fits within EstimateSize, is estimated at full size and
	// is larger than CentreSize on a side be estimated on its centred
	// CentreSize x CentreSize window instead of the whole, running
	// CentreIterations iterations when that is positive (the schedule
	// scaled by selfdeblur.Settings.WithIterations). The kernel frames
	// stay those given (sized for the whole image; see EstimationRegion).
	// Skipped when a frame is larger than half of CentreSize. On such
	// images the informative window's criterion mostly lands in a corner
	// or against an edge, which measured worse than the centre (README,
	// Levin: at 600 iterations the centred 200 px window of a 255 px image
	// costs what the whole did at 400, and lowered the error ratio).
	CentreSize       int
	CentreIterations int
}

// DefaultEstimateSize, DefaultMaxEstimateKernel, DefaultCentreSize and
// DefaultCentreIterations are the command's Region (DefaultRegion).
const (
	DefaultEstimateSize      = 320
	DefaultMaxEstimateKernel = 31
	DefaultCentreSize        = 200
	DefaultCentreIterations  = 600
)

// DefaultRegion returns the command's Region: the informative 320 px
// window of larger images, kernels over 31 px on a shrunk copy, and the
// centred 200 px window at 600 iterations for images up to 320 px.
func DefaultRegion() Region {
	return Region{
		EstimateSize:      DefaultEstimateSize,
		MaxEstimateKernel: DefaultMaxEstimateKernel,
		CentreSize:        DefaultCentreSize,
		CentreIterations:  DefaultCentreIterations,
	}
}

// ForAutoKernelSize returns r for a kernel size chosen by the tool
// (kernel.AutoSize and AutoKernelSizes' two frames): without the
// centred window, since on it the lower objective kept the too-small frame
// (Levin im4_kernel4, a 27 px blur: 0.0054 for the 19 px frame against
// 0.0063 for the 31 px one; 0.7 dB below the given size over all 32).
func (r Region) ForAutoKernelSize() Region {
	r.CentreSize, r.CentreIterations = 0, 0
	return r
}

// centres reports whether r estimates a w x h image, at full size, with
// the settings s, on its centred CentreSize window.
func (r Region) centres(w, h int, s selfdeblur.Settings) bool {
	if r.CentreSize <= 0 || r.EstimateSize <= 0 || w > r.EstimateSize || h > r.EstimateSize {
		return false
	}
	if w <= r.CentreSize && h <= r.CentreSize {
		return false
	}
	frame := s.KernelSize
	for _, k := range s.RestartKernelSizes {
		frame = max(frame, k)
	}
	return 2*frame <= r.CentreSize
}

// EstimationRegion returns the size of the region to size kernel frames
// for (kernel.AutoSize, selfdeblur.WithGivenFrames) on a w x h
// image with Region.EstimateSize estimateSize: the estimateSize window, or
// the whole image where it is smaller or estimateSize is 0. It is the
// region Blind estimates the kernel on before any shrinking for a large
// kernel, except that an image estimated on its centred window
// (Region.CentreSize) keeps the whole image's frames: the blur's extent
// follows the photograph, not the part of it fitted.
func EstimationRegion(w, h, estimateSize int) (int, int) {
	if estimateSize > 0 {
		return min(w, estimateSize), min(h, estimateSize)
	}
	return w, h
}

// AutoFinish returns the non-blind method Blind uses for a w x h image:
// irls (the most accurate on the Levin benchmark, exact boundaries) up to
// 0.3 megapixels, where it costs about a second per channel, and above
// that deconv.ForSize's choice, which keeps a 12-megapixel colour image
// near a minute (hyperlaplacian, then its faster variants).
func AutoFinish(w, h int) string {
	if w*h <= 300_000 {
		return "irls"
	}
	return deconv.ForSize(w, h)
}

// Blind deblurs img as o says. Result.Window is where the kernel was
// estimated and Result.Elapsed covers the whole pipeline. When ctx is cancelled during the estimation, Blind returns
// the kernel so far and SelfDeblur's image (or, when the estimate covered
// only a window, the blurry input) with ctx.Err(); a finishing step that
// is cancelled returns no result.
func Blind(ctx context.Context, img image.Image, o Options) (*Result, error) {
	return BlindPlanes(ctx, imageio.FromImage(img), o)
}

// BlindPlanes is Blind on an already decoded image.
func BlindPlanes(ctx context.Context, im *imageio.Image, o Options) (*Result, error) {
	start := time.Now()
	if o.EstimateSize < 0 {
		return nil, fmt.Errorf("deblur: estimate size %d", o.EstimateSize)
	}
	k := o.SelfDeblur.KernelSize
	f, kc := estimateScale(k, o.MaxEstimateKernel, im.W(), im.H(), o.SelfDeblur.Gx.MinSize())
	win := image.Rect(0, 0, im.W(), im.H())
	var res *Result
	var runErr error
	centre := f == 1 && o.centres(im.W(), im.H(), o.SelfDeblur)
	whole := f == 1 && !centre && (o.EstimateSize == 0 || (im.W() <= o.EstimateSize && im.H() <= o.EstimateSize))
	if whole {
		res, runErr = selfDeblurImage(ctx, im, o.SelfDeblur)
	} else {
		if o.Finish == "" {
			return nil, errors.New("deblur: estimating the kernel on a window or a downscaled copy needs a non-blind finishing method")
		}
		luma, err := lumaOf(im)
		if err != nil {
			return nil, err
		}
		small := luma.Shrink(f)
		sw := image.Rect(0, 0, small.W, small.H)
		switch {
		case centre:
			cw, ch := min(o.CentreSize, small.W), min(o.CentreSize, small.H)
			x0, y0 := (small.W-cw)/2, (small.H-ch)/2
			sw = image.Rect(x0, y0, x0+cw, y0+ch)
		case o.EstimateSize > 0 && (small.W > o.EstimateSize || small.H > o.EstimateSize):
			x0, y0 := informativeWindow(small, o.EstimateSize)
			sw = image.Rect(x0, y0, x0+min(o.EstimateSize, small.W), y0+min(o.EstimateSize, small.H))
		}
		s := o.SelfDeblur
		s.KernelSize = kc
		if centre && o.CentreIterations > 0 && s.Iterations > 0 {
			s = s.WithIterations(o.CentreIterations)
		}
		if f > 1 && len(s.RestartKernelSizes) > 0 {
			s.RestartKernelSizes = make([]int, len(o.SelfDeblur.RestartKernelSizes))
			for i, ki := range o.SelfDeblur.RestartKernelSizes {
				s.RestartKernelSizes[i] = kernel.ScaledSize(ki, f)
			}
		}
		r, err := selfdeblur.Run(ctx, small.Crop(sw.Min.X, sw.Min.Y, sw.Dx(), sw.Dy()), s)
		if r != nil {
			// The finish replaces the image; only an interrupted
			// estimate returns the blurry input, so copy it only then
			// (three float64 planes of a 12 MP photo are 290 MB).
			var out *imageio.Image
			if err != nil {
				out = im.Clone()
			}
			res = fromSelfDeblur(out, r, s)
			if f > 1 {
				res.Kernel = kernel.Upscale(r.Kernel, fullKernelSize(o.SelfDeblur, r.Seed), f)
			}
		}
		runErr = err
		win = image.Rect(sw.Min.X*f, sw.Min.Y*f, sw.Max.X*f, sw.Max.Y*f)
	}
	if res == nil {
		return nil, runErr
	}
	res.Scale = f
	res.Window = win
	if o.Finish != "" {
		// The finish re-deconvolves the image, so the kernel may move:
		// centred, the output is not shifted against the input.
		res.Kernel = kernel.Center(res.Kernel)
	}
	if o.Trim {
		res.Kernel = kernel.Trim(res.Kernel, 0.05)
	}
	if runErr != nil || o.Finish == "" {
		res.Elapsed = time.Since(start)
		return res, runErr
	}
	fin, err := Deconvolve(ctx, im, res.Kernel, o.Finish)
	if err != nil {
		return nil, fmt.Errorf("deblur: non-blind finish: %w", err)
	}
	res.Image = fin
	res.Elapsed = time.Since(start)
	return res, nil
}

// lumaOf returns the gray channel or the BT.601 luma of a colour image.
func lumaOf(im *imageio.Image) (*plane.Plane, error) {
	if im.IsGray() {
		return im.Channels[0], nil
	}
	y, _, _, err := imageio.RGBToYCbCr(im)
	if err != nil {
		return nil, fmt.Errorf("deblur: %w", err)
	}
	return y, nil
}

package deblur

import (
	"encoding/json"
	"fmt"
	"image"
	"runtime"
	"slices"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/plane"
)

// The pipeline's policy constants; NewPlan says where each applies.
const (
	// windowSize is the side of the informative window larger images are
	// estimated on: the rest of the image then costs only the finish.
	windowSize = 320
	// maxEstimateKernel is the largest kernel estimated at full size;
	// larger ones are estimated on a shrunk copy.
	maxEstimateKernel = 31
	// centerSize and centerIterations: an image up to windowSize with a
	// given kernel size is estimated on its centred centerSize square
	// with centerIterations iterations instead of SelfDeblur's 400 (the
	// same time as the whole 255 px image at 400, and a lower error
	// ratio on Levin; with the size chosen the centre measured worse).
	centerSize       = 200
	centerIterations = 600
	// exactFinishPixels is the largest image finished by irls, the most
	// accurate method on Levin (about a second per channel there); larger
	// ones get deconv.ForSize's hyper-Laplacian choice.
	exactFinishPixels = 300_000
	// trimFraction: a kernel chosen in a generous frame is trimmed to its
	// entries of at least this fraction of its peak.
	trimFraction = 0.05
)

// Plan is every choice Deblur makes for one image, made before any work:
// where and at what scale the kernel is estimated, in which frames, with
// how many fits at once, and how the output is made. Result.Plan and the
// report record it.
type Plan struct {
	Method string `json:"method"` // the estimator's name
	Width  int    `json:"width"`  // the input's size
	Height int    `json:"height"`
	// KernelSize is the blur size the frames are sized for, given or
	// chosen (KernelSizeChosen).
	KernelSize       int  `json:"kernel_size"`
	KernelSizeChosen bool `json:"kernel_size_chosen"`
	// Region is where the kernel is estimated, in input pixels from the
	// top-left corner, and RegionRule why: "given", "whole", "center"
	// (the centred square of a small image) or "informative" (the square
	// with the most edges in both directions, no saturated pixels).
	Region     image.Rectangle `json:"-"`
	RegionRule string          `json:"region_rule"`
	// Scale is the factor the region is shrunk by for the estimation.
	Scale int `json:"scale"`
	// Frames are the kernel frames of the fits at full size, and
	// EstimateFrames at the estimation scale.
	Frames         []int `json:"frames"`
	EstimateFrames []int `json:"estimate_frames"`
	// Iterations, when positive, replaces the method's iteration count.
	Iterations int    `json:"iterations,omitempty"`
	Seed       uint64 `json:"seed"`
	// Concurrency is how many fits run at once and Threads how many
	// goroutines each fit's matrix products use.
	Concurrency int `json:"concurrency"`
	Threads     int `json:"threads"`
	// Center and Trim say whether the estimated kernel is centred and
	// trimmed to its support before the finish.
	Center bool `json:"center"`
	Trim   bool `json:"trim"`
	// Finish names the non-blind method that makes the output; empty:
	// the method's own image.
	Finish string `json:"finish,omitempty"`
	// Noise is the standard deviation of the input's noise (samples in
	// [0, 1]) estimated on its luma by blur.EstimateNoise; about 0.003 for
	// a clean 8-bit image. The default finishes weigh their prior by each
	// channel's own estimate (deconv.NoiseLambda).
	Noise float64 `json:"noise"`

	finish deconv.Deconvolver
	method blind.Estimator
}

// MarshalJSON writes the plan with its region as [x, y, width, height].
func (p *Plan) MarshalJSON() ([]byte, error) {
	type plain Plan
	r := p.Region
	return json.Marshal(struct {
		*plain
		Region [4]int `json:"region"`
	}{(*plain)(p), [4]int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()}})
}

// NewPlan returns the plan Deblur follows for img with opts (nil: the
// defaults), or an error wrapping ErrOptions or ErrImageSize before any
// work. For SelfDeblur, the default method:
//
//   - Kernel size: Options.KernelSize, else kernel.AutoSize of the
//     estimation region (about 12 % of its shorter side, 15..75 px).
//   - Frames: the fits (restarts) alternate a generous frame with a tight
//     one: with the size chosen, kernel.AutoFrames (the size and 60 % of
//     it), the lower final objective kept and the kernel trimmed; with
//     the size given, kernel.GivenFrames (the generous AutoSize frame
//     and the given size) while the generous frame is within 31 px.
//   - Scale: Options.Scale, else the smallest integer shrink that brings
//     the largest frame to 31 px or less (the frames resampled).
//   - Region: Options.Region; else the whole image up to 320 px (with
//     the size given and a frame up to 100 px, its centred 200 px square
//     at 600 iterations); else the most informative 320 px square of the
//     shrunk image.
//   - Fits at once: as many as Options.Concurrency (GOMAXPROCS) allows;
//     the remaining goroutines go to each fit's matrix products.
//   - Finish: Options.Finish, else irls up to 0.3 megapixels and
//     deconv.ForSize above; the kernel is centred first.
//
// A generative prior (genprior.Estimator) deblurs the whole image at its
// generator's size, and its own image is the output unless Options.Finish
// is set. Other estimators get SelfDeblur's region, scale and finish, one
// frame of the kernel size; one that works coarse to fine itself
// (l0.Estimator: a Multiscale method) takes its region at full size and
// never the centred square.
func NewPlan(img image.Image, opts *Options) (*Plan, error) {
	im, _ := grayOf(imageio.FromImage(img))
	luma, err := lumaOf(im)
	if err != nil {
		return nil, err
	}
	return newPlan(im, luma, opts, img.Bounds().Min)
}

// newPlan is NewPlan on decoded planes; origin is the image's top-left
// corner in the coordinates of Options.Region.
func newPlan(im *imageio.Image, luma *plane.Plane, opts *Options, origin image.Point) (*Plan, error) {
	if opts == nil {
		opts = &Options{}
	}
	o := *opts
	o.Region = o.Region.Sub(origin)
	w, h := im.W(), im.H()
	if err := o.validate(w, h); err != nil {
		return nil, err
	}
	m := o.method()
	p := &Plan{Method: m.Name(), Width: w, Height: h, Seed: max(o.Seed, 1), Scale: 1, method: m}
	if sigma, err := blur.EstimateNoise(luma); err == nil {
		p.Noise = sigma
	}
	if g, ok := m.(genprior.Estimator); ok {
		return p, p.generative(im, g, &o)
	}
	p.chooseFinish(&o)
	if err := p.chooseFrames(m, &o); err != nil {
		return nil, err
	}
	if err := p.chooseRegion(luma, m, &o); err != nil {
		return nil, err
	}
	p.chooseConcurrency(len(p.Frames), o.Concurrency)
	return p, nil
}

// generative plans a deep generative prior: the whole image, which must
// be gray and of the generator's size, its own frame and image.
func (p *Plan) generative(im *imageio.Image, g genprior.Estimator, o *Options) error {
	if o.KernelSize != 0 || !o.Region.Empty() || o.Scale > 1 {
		return optionErr("Method", g.Name(), "fixes the kernel size, the region and the scale (its generators'): leave KernelSize, Region and Scale unset")
	}
	gw, gh := g.ImageSize()
	if !im.IsGray() || im.W() != gw || im.H() != gh {
		return fmt.Errorf("deblur: %w: %s needs a %dx%d gray image (its generator's size); got %dx%d with %d channels",
			ErrImageSize, g.Name(), gw, gh, im.W(), im.H(), len(im.Channels))
	}
	p.Region, p.RegionRule = image.Rect(0, 0, im.W(), im.H()), "whole"
	p.Concurrency, p.Threads = 1, 1 // every product is tiny: threads cost more than they gain
	if o.Finish != nil {
		p.finish, p.Finish = o.Finish, deconv.Name(o.Finish)
	}
	return nil
}

// chooseFinish sets the non-blind finish.
func (p *Plan) chooseFinish(o *Options) {
	switch {
	case o.NoFinish:
	case o.Finish != nil:
		p.finish = o.Finish
	case p.Width*p.Height <= exactFinishPixels:
		p.finish = deconv.IRLS{}
	default:
		p.finish, _ = deconv.Lookup(deconv.ForSize(p.Width, p.Height))
	}
	if p.finish != nil {
		p.Finish = deconv.Name(p.finish)
		p.Center = true
	}
}

// frameSizer is what the plan asks of an estimator with several fits
// (selfdeblur.Estimator implements it).
type frameSizer interface {
	Fits() int
	MaxFrame() int
	FixedFrame() bool
}

// regionSize is the size of the region the kernel frames are sized for:
// the given region, the whole image without a finish, else at most the
// informative window (a centred window keeps the whole image's frames: the
// blur's extent follows the photograph, not the part of it fitted).
func (p *Plan) regionSize(o *Options) (int, int) {
	switch {
	case !o.Region.Empty():
		return o.Region.Dx(), o.Region.Dy()
	case p.finish == nil:
		return p.Width, p.Height
	}
	return min(p.Width, windowSize), min(p.Height, windowSize)
}

// chooseFrames sets the kernel size and the frames of the fits.
func (p *Plan) chooseFrames(m blind.Estimator, o *Options) error {
	ew, eh := p.regionSize(o)
	fits, maxFrame, fixed := 1, 0, false
	if fs, ok := m.(frameSizer); ok {
		fits, maxFrame, fixed = fs.Fits(), fs.MaxFrame(), fs.FixedFrame()
	}
	k := o.KernelSize
	if k == 0 {
		p.KernelSizeChosen = true
		k = kernel.AutoSize(ew, eh)
		if maxFrame > 0 {
			k = min(k, maxFrame)
		}
	}
	if maxFrame > 0 && k > maxFrame {
		return optionErr("KernelSize", k, "larger than the %d px the method's kernel network can estimate", maxFrame)
	}
	if k > ew || k > eh {
		return fmt.Errorf("deblur: %w: kernel size %d is larger than the %dx%d estimation region", ErrImageSize, k, ew, eh)
	}
	p.KernelSize = k
	var frames []int
	switch {
	case p.KernelSizeChosen:
		frames = kernel.AutoFrames(k, fits)
		p.Trim = true
	case !fixed:
		// A generous frame beside the given one (Levin: 33.59 dB, error
		// ratio 1.64, against 33.34 and 1.73 with both fits in the given
		// frame), unless it would exceed maxEstimateKernel and so move
		// the estimation onto a shrunk copy.
		frames = kernel.GivenFrames(k, ew, eh, fits)
		if frames != nil && p.finish != nil && slices.Max(frames) > maxEstimateKernel {
			frames = nil
		}
		p.Trim = frames != nil
	}
	if frames == nil {
		frames = slices.Repeat([]int{k}, fits)
	}
	p.Frames = frames
	return nil
}

// chooseRegion sets the scale, the region and the frames at the
// estimation scale.
func (p *Plan) chooseRegion(luma *plane.Plane, m blind.Estimator, o *Options) error {
	p.EstimateFrames = p.Frames
	if p.finish == nil {
		p.Region, p.RegionRule = image.Rect(0, 0, p.Width, p.Height), "whole"
		return nil
	}
	big := slices.Max(p.Frames)
	minSize := 0
	if ms, ok := m.(interface{ MinSize() int }); ok {
		minSize = ms.MinSize()
	}
	area := image.Rect(0, 0, p.Width, p.Height)
	if !o.Region.Empty() {
		area = o.Region
	}
	switch {
	case o.Scale > 0:
		p.Scale = o.Scale
		kc := kernel.ScaledSize(big, p.Scale)
		if side := min(area.Dx(), area.Dy()) / p.Scale; side < kc || side+kc-1 < minSize {
			return optionErr("Scale", p.Scale, "shrinks the %dx%d region to %d px, too small for a %d px kernel frame and %s", area.Dx(), area.Dy(), side, kc, m.Name())
		}
	case multiscale(m):
		// The method works coarse to fine itself.
	default:
		p.Scale = estimateScale(big, maxEstimateKernel, area.Dx(), area.Dy(), minSize)
	}
	if p.Scale > 1 {
		p.EstimateFrames = make([]int, len(p.Frames))
		for i, k := range p.Frames {
			p.EstimateFrames[i] = kernel.ScaledSize(k, p.Scale)
		}
	}
	f := p.Scale
	switch {
	case !o.Region.Empty():
		p.Region, p.RegionRule = o.Region, "given"
	case f == 1 && !multiscale(m) && p.centers(big):
		cw, ch := min(centerSize, p.Width), min(centerSize, p.Height)
		x0, y0 := (p.Width-cw)/2, (p.Height-ch)/2
		p.Region, p.RegionRule = image.Rect(x0, y0, x0+cw, y0+ch), "center"
		if ci, ok := m.(interface{ CustomIterations() bool }); ok && !ci.CustomIterations() {
			p.Iterations = centerIterations
		}
	case p.Width/f > window(m, big) || p.Height/f > window(m, big):
		ws := window(m, big)
		x0, y0 := informativeWindow(luma.Shrink(f), ws)
		sw, sh := min(ws, p.Width/f), min(ws, p.Height/f)
		p.Region, p.RegionRule = image.Rect(x0*f, y0*f, (x0+sw)*f, (y0+sh)*f), "informative"
	default:
		p.Region, p.RegionRule = image.Rect(0, 0, p.Width/f*f, p.Height/f*f), "whole"
	}
	return nil
}

// window is the side of the informative window for a kernel frame of big
// pixels: windowSize, or for a method that works coarse to fine at full
// size ten times the frame, so that the kernel spans a tenth of it as
// with SelfDeblur's shrunk copy.
func window(m blind.Estimator, big int) int {
	if multiscale(m) {
		return max(windowSize, 10*big)
	}
	return windowSize
}

// multiscale reports whether m estimates coarse to fine itself (as l0
// does), so that it takes the region at full size.
func multiscale(m blind.Estimator) bool {
	ms, ok := m.(interface{ Multiscale() bool })
	return ok && ms.Multiscale()
}

// centers reports whether an image up to the window size, estimated at
// full size, is estimated on its centred square: with a given kernel size
// (with the size chosen the lower objective kept the too-small frame on
// the centre: Levin im4_kernel4, a 27 px blur, 0.0054 for the 19 px frame
// against 0.0063 for the 31 px one; 0.7 dB below the given size over all
// 32), on images larger than the square, frames up to half of it.
func (p *Plan) centers(big int) bool {
	return !p.KernelSizeChosen && p.Width <= windowSize && p.Height <= windowSize &&
		(p.Width > centerSize || p.Height > centerSize) && 2*big <= centerSize
}

// chooseConcurrency shares the goroutines between fits and products.
func (p *Plan) chooseConcurrency(fits, budget int) {
	if budget <= 0 {
		budget = runtime.GOMAXPROCS(0)
	}
	p.Concurrency = max(1, min(fits, budget))
	p.Threads = max(1, budget/p.Concurrency)
}

// estimateScale returns the factor by which an estimation region of w x h
// is shrunk before estimating a k x k kernel when kernels above maxKernel
// pixels are estimated on a shrunk copy. The factor is lowered while the
// shrunk region would be smaller than the kernel or than minSize, the
// estimator's smallest input, once padded by the kernel.
func estimateScale(k, maxKernel, w, h, minSize int) int {
	if k <= maxKernel {
		return 1
	}
	for f := (k + maxKernel - 1) / maxKernel; f > 1; f-- {
		kc := kernel.ScaledSize(k, f)
		if side := min(w, h) / f; side >= kc && side+kc-1 >= minSize {
			return f
		}
	}
	return 1
}

// job is what the plan asks of the estimator.
func (p *Plan) job(o *Options) blind.Job {
	return blind.Job{Frames: p.EstimateFrames, Iterations: p.Iterations, Seed: p.Seed,
		Concurrency: p.Concurrency, Threads: p.Threads, Recorder: o.Recorder, SnapshotEvery: o.SnapshotEvery}
}

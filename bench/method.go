package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// Deconvolver is a non-blind deconvolution: it estimates the sharp image
// from the blurry gray plane y (values in [0, 1]) and the convolution kernel
// k (summing to 1). The result should have y's size; a larger one is
// centre-cropped to it. Colour images are deconvolved channel by channel.
type Deconvolver func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error)

// BlindFunc is a blind deconvolution: from the blurry gray plane y it
// estimates a kernelSize x kernelSize convolution kernel and the sharp
// image (y's size). It sends progress to rec, which may be nil. Colour
// images are given as their BT.601 luma.
type BlindFunc func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (img, k *plane.Plane, err error)

// ReferenceFunc is a reference row that may use a case's ground truth, such
// as the deep-generative-priors paper's "image already in the generator's
// range" (see RangeReference): from the case's sample it returns the output
// image, the kernel it used (nil for none) and the ground truth that image
// is scored against (nil: the case's sharp image). It sends progress to
// rec, which may be nil.
type ReferenceFunc func(ctx context.Context, s *Sample, rec progress.Recorder) (out *imageio.Image, k *plane.Plane, truth *imageio.Image, err error)

// Methods is what a run can use: non-blind, blind and reference methods by
// name, the non-blind method that defines the error ratio of blind rows
// that have no non-blind finish of their own, and the settings of the
// methods that have some.
type Methods struct {
	NonBlind  map[string]Deconvolver
	Blind     map[string]BlindFunc
	Reference map[string]ReferenceFunc
	// Ratio names the entry of NonBlind used for the error ratio of a
	// plain blind method; empty means those rows get no error ratio.
	Ratio string
	// Config describes, by blind or reference method name, settings that
	// may differ between runs (e.g. "steps 1000, restarts 10"). It is
	// stored with every result, and Runner.Run refuses to add results to
	// a folder holding results of other settings.
	Config map[string]string
}

// SelfDeblur returns a BlindFunc running selfdeblur.Run with the settings
// preset(kernelSize) (e.g. selfdeblur.Fast or selfdeblur.Paper).
func SelfDeblur(preset func(k int) selfdeblur.Settings) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (*plane.Plane, *plane.Plane, error) {
		s := preset(kernelSize)
		s.Recorder = rec
		r, err := selfdeblur.Run(ctx, y, s)
		if err != nil {
			return nil, nil, err
		}
		return r.Image, r.Kernel, nil
	}
}

// SelfDeblurAutoSize is SelfDeblur ignoring the case's kernel size, as the
// command does without -kernel-size: the frame is kernel.AutoSize
// of the image, restarts alternate it with a tighter one
// (kernel.AutoFrames), and the kept estimate is centred and
// trimmed (kernel.Center, kernel.Trim at 5 % of the
// peak).
func SelfDeblurAutoSize(preset func(k int) selfdeblur.Settings) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, _ int, rec progress.Recorder) (*plane.Plane, *plane.Plane, error) {
		k := kernel.AutoSize(y.W, y.H)
		s := preset(k)
		s.RestartKernelSizes = kernel.AutoFrames(k, s.Restarts)
		s.Recorder = rec
		r, err := selfdeblur.Run(ctx, y, s)
		if err != nil {
			return nil, nil, err
		}
		return r.Image, kernel.Trim(kernel.Center(r.Kernel), 0.05), nil
	}
}

// SelfDeblurGivenFrames is SelfDeblur with the restarts in the frames of
// kernel.GivenFrames (a generous frame and the case's kernel
// size), the lower final objective kept, and the kept estimate centred and
// trimmed as in SelfDeblurAutoSize: what the command does with a given
// kernel size on an image it estimates whole. Where GivenKernelSizes
// returns nil it is SelfDeblur.
func SelfDeblurGivenFrames(preset func(k int) selfdeblur.Settings) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (*plane.Plane, *plane.Plane, error) {
		s := preset(kernelSize)
		s, _ = selfdeblur.WithGivenFrames(s, y.W, y.H, 0)
		s.Recorder = rec
		r, err := selfdeblur.Run(ctx, y, s)
		if err != nil {
			return nil, nil, err
		}
		return r.Image, kernel.Trim(kernel.Center(r.Kernel), 0.05), nil
	}
}

// SelfDeblurPipeline returns a BlindFunc running the command's pipeline,
// deblur.BlindPlanes, with the settings preset(kernelSize) and the
// estimation region r (see deblur.Region: the most informative window of
// larger images, a shrunk copy for large kernels, the centred window of
// small ones), finished with deblur.AutoFinish. As in the command, the
// restarts fit the frames of selfdeblur.WithGivenFrames for
// deblur.EstimationRegion with r.MaxEstimateKernel as the largest frame,
// and an estimate from two frames is trimmed.
func SelfDeblurPipeline(preset func(k int) selfdeblur.Settings, r deblur.Region) BlindFunc {
	return pipeline(preset, r, false)
}

// SelfDeblurPipelineAutoSize is SelfDeblurPipeline ignoring the case's
// kernel size, as the command does without -kernel-size: the frames are
// kernel.AutoSize of deblur.EstimationRegion and
// kernel.AutoFrames, the region r.ForAutoKernelSize(), and the
// estimate is trimmed.
func SelfDeblurPipelineAutoSize(preset func(k int) selfdeblur.Settings, r deblur.Region) BlindFunc {
	return pipeline(preset, r, true)
}

func pipeline(preset func(k int) selfdeblur.Settings, r deblur.Region, autoSize bool) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (*plane.Plane, *plane.Plane, error) {
		ew, eh := deblur.EstimationRegion(y.W, y.H, r.EstimateSize)
		var s selfdeblur.Settings
		trim := autoSize
		if autoSize {
			r = r.ForAutoKernelSize()
			s = preset(kernel.AutoSize(ew, eh))
			s.RestartKernelSizes = kernel.AutoFrames(s.KernelSize, s.Restarts)
		} else {
			s, trim = selfdeblur.WithGivenFrames(preset(kernelSize), ew, eh, r.MaxEstimateKernel)
		}
		s.Recorder = rec
		o := deblur.Options{SelfDeblur: s, Region: r, Finish: deblur.AutoFinish(y.W, y.H), Trim: trim}
		res, err := deblur.BlindPlanes(ctx, imageio.NewGray(y), o)
		if err != nil {
			return nil, nil, err
		}
		return res.Image.Channels[0], res.Kernel, nil
	}
}

// SelfDeblurDefaultName is the blind method of selfdeblur.Default, the
// command's default; its restarts run concurrently.
const SelfDeblurDefaultName = "selfdeblur-default"

// DefaultBlind returns the blind methods of the project:
// "selfdeblur-default" (selfdeblur.Default as the command runs it for a
// given kernel size: restarts in the frames of kernel.GivenFrames,
// see SelfDeblurGivenFrames), "selfdeblur-default-1frame" (both restarts
// in the given frame, the default before 2026-11-22),
// "selfdeblur-default-auto" (Default with the kernel size chosen by the
// tool), "selfdeblur-default-window" (the command's default pipeline, see
// SelfDeblurPipeline: the default preset estimated on the region r,
// deblur.AutoFinish), "selfdeblur-default-window-auto" (the same without
// the case's kernel size, SelfDeblurPipelineAutoSize), "selfdeblur-fast"
// (selfdeblur.Fast), "selfdeblur-c2f" (selfdeblur.FastCoarseToFine),
// "selfdeblur-fast-auto" (Fast with the kernel size chosen by the tool)
// and "selfdeblur-paper" (selfdeblur.Paper, the published configuration;
// hours per image on a CPU). A non-nil adjust changes every preset's
// settings (for example s.WithIterations(n), or another restart Pick);
// deblur.DefaultRegion() for r is the command's pipeline.
func DefaultBlind(adjust func(selfdeblur.Settings) selfdeblur.Settings, r deblur.Region) map[string]BlindFunc {
	p := func(preset func(int) selfdeblur.Settings) func(int) selfdeblur.Settings {
		if adjust == nil {
			return preset
		}
		return func(k int) selfdeblur.Settings { return adjust(preset(k)) }
	}
	def := p(selfdeblur.Default)
	return map[string]BlindFunc{
		SelfDeblurDefaultName:                  SelfDeblurGivenFrames(def),
		SelfDeblurDefaultName + "-1frame":      SelfDeblur(def),
		SelfDeblurDefaultName + "-auto":        SelfDeblurAutoSize(def),
		SelfDeblurDefaultName + "-window":      SelfDeblurPipeline(def, r),
		SelfDeblurDefaultName + "-window-auto": SelfDeblurPipelineAutoSize(def, r),
		"selfdeblur-fast":                      SelfDeblur(p(selfdeblur.Fast)),
		"selfdeblur-c2f":                       SelfDeblur(p(selfdeblur.FastCoarseToFine)),
		"selfdeblur-fast-auto":                 SelfDeblurAutoSize(p(selfdeblur.Fast)),
		"selfdeblur-paper":                     SelfDeblur(p(selfdeblur.Paper)),
	}
}

// Method is a parsed method name; see Methods.Parse.
type Method struct {
	Name        string // as given, e.g. "selfdeblur-fast+wiener"
	Blind       string // the blind method; empty for "blurry" and known-kernel rows
	KnownKernel bool   // the true kernel stands in for a blind estimate
	NonBlind    string // the non-blind step, empty for none
	Reference   string // the reference method (no non-blind step), or empty
}

// Blurry is the method that scores the blurry input as it is.
const Blurry = "blurry"

// KnownKernel is the prefix of the methods that deconvolve with the true
// kernel: "known-kernel+NAME".
const KnownKernel = "known-kernel"

// Parse checks a method name against m:
//
//   - "blurry": the blurry input, scored as it is;
//   - "known-kernel+NB": non-blind method NB with the true kernel;
//   - "B": blind method B (its own image);
//   - "B+NB": blind method B's kernel, then non-blind method NB on the
//     blurry image;
//   - "R": reference method R.
func (m Methods) Parse(name string) (Method, error) {
	if name == Blurry {
		return Method{Name: name}, nil
	}
	if _, ok := m.Reference[name]; ok {
		return Method{Name: name, Reference: name}, nil
	}
	head, nb, hasNB := strings.Cut(name, "+")
	if hasNB {
		if _, ok := m.NonBlind[nb]; !ok {
			return Method{}, fmt.Errorf("bench: method %q: unknown non-blind method %q (have: %s)", name, nb, m.NonBlindNames())
		}
	}
	if head == KnownKernel {
		if !hasNB {
			return Method{}, fmt.Errorf("bench: method %q needs a non-blind method: %s+NAME (have: %s)", name, KnownKernel, m.NonBlindNames())
		}
		return Method{Name: name, KnownKernel: true, NonBlind: nb}, nil
	}
	if _, ok := m.Blind[head]; !ok {
		return Method{}, fmt.Errorf("bench: unknown method %q (want %s)", name, strings.Join(m.Patterns(), ", "))
	}
	return Method{Name: name, Blind: head, NonBlind: nb}, nil
}

// Patterns describes the method names Parse accepts, for usage messages.
func (m Methods) Patterns() []string {
	nb := "NONBLIND"
	if len(m.NonBlind) > 0 {
		nb = "{" + strings.Join(slices.Sorted(maps.Keys(m.NonBlind)), "|") + "}"
	}
	out := []string{Blurry, KnownKernel + "+" + nb}
	for _, b := range slices.Sorted(maps.Keys(m.Blind)) {
		out = append(out, b, b+"+"+nb)
	}
	return append(out, slices.Sorted(maps.Keys(m.Reference))...)
}

// NonBlindNames lists the non-blind methods by name, sorted and
// comma-separated, or "none", for help and error messages.
func (m Methods) NonBlindNames() string {
	if len(m.NonBlind) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(m.NonBlind)), ", ")
}

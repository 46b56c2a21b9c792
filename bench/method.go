package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// BlindFunc is a blind deconvolution: from the blurry gray plane y it
// estimates a kernelSize x kernelSize convolution kernel and the sharp
// image (y's size). It sends progress to rec, which may be nil. Colour
// images are given as their BT.601 luma.
type BlindFunc func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (BlindResult, error)

// BlindResult is what a blind method returns.
type BlindResult struct {
	Image, Kernel *plane.Plane
	// Confidence is the pipeline's evidence that the kernel is right
	// (deblur.Report's), nil for the methods that have none.
	Confidence *deblur.Confidence
}

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
	NonBlind  map[string]deconv.Deconvolver
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

// SelfDeblur returns a BlindFunc running SelfDeblur alone, as its authors
// evaluate it: e's settings with every fit in the case's kernel frame, on
// the whole image, from seed; its own image and kernel.
func SelfDeblur(e selfdeblur.Estimator, seed uint64) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (BlindResult, error) {
		est, err := e.Estimate(ctx, y, blind.Job{Frames: []int{kernelSize}, Seed: seed, Recorder: rec})
		if err != nil {
			return BlindResult{}, err
		}
		return BlindResult{Image: est.Image, Kernel: est.Kernel}, nil
	}
}

// Pipeline returns a BlindFunc running the command's pipeline,
// deblur.DeblurPlanes, with o on the luma: with the case's kernel size, or
// with the size chosen as the command does without -kernel-size when
// chooseSize. It returns the pipeline's output (the luma deconvolved with
// the kernel by the finish) and its kernel.
func Pipeline(o deblur.Options, chooseSize bool) BlindFunc {
	return func(ctx context.Context, y *plane.Plane, kernelSize int, rec progress.Recorder) (BlindResult, error) {
		run := o
		run.KernelSize, run.Recorder = kernelSize, rec
		if chooseSize {
			run.KernelSize = 0
		}
		res, err := deblur.DeblurPlanes(ctx, imageio.NewGray(y), &run)
		if err != nil {
			return BlindResult{}, err
		}
		return BlindResult{Image: res.Planes().Channels[0], Kernel: res.Kernel, Confidence: &res.Report.Confidence}, nil
	}
}

// The blind methods of DefaultBlind.
const (
	PipelineName           = "deblur"
	PipelineChosenSizeName = "deblur-auto"
	SelfDeblurName         = "selfdeblur"
	L0Name                 = "l0"
	L0ChosenSizeName       = "l0-auto"
)

// DefaultBlind returns the blind methods of the project: "deblur" (the
// command's pipeline with o and the case's kernel size, see Pipeline),
// "deblur-auto" (the same with the size chosen), "selfdeblur" (SelfDeblur
// alone with sd in the case's frame on the whole image, from o's seed, see
// SelfDeblur), and "l0" and "l0-auto" (the pipeline with the classical
// method l instead of o's). The zero o, sd and l are the command's
// defaults.
func DefaultBlind(o deblur.Options, sd selfdeblur.Estimator, l l0.Estimator) map[string]BlindFunc {
	withL0 := o
	withL0.Method = l
	return map[string]BlindFunc{
		PipelineName:           Pipeline(o, false),
		PipelineChosenSizeName: Pipeline(o, true),
		SelfDeblurName:         SelfDeblur(sd, max(o.Seed, 1)),
		L0Name:                 Pipeline(withL0, false),
		L0ChosenSizeName:       Pipeline(withL0, true),
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

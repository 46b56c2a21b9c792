package selfdeblur

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// Preset names the configuration an Estimator starts from.
type Preset int

const (
	// PresetDefault (the zero value) is Default: the command's default.
	PresetDefault Preset = iota
	// PresetFast is Fast: one fit of 600 iterations.
	PresetFast
	// PresetPaper is Paper: the published configuration (hours per image
	// on a CPU).
	PresetPaper
)

var presetNames = []string{"default", "fast", "paper"}

// String returns "default", "fast" or "paper".
func (p Preset) String() string {
	if p < 0 || int(p) >= len(presetNames) {
		return fmt.Sprintf("Preset(%d)", int(p))
	}
	return presetNames[p]
}

// ParsePreset parses what String returns.
func ParsePreset(s string) (Preset, error) {
	if i := slices.Index(presetNames, s); i >= 0 {
		return Preset(i), nil
	}
	return 0, fmt.Errorf("selfdeblur: unknown preset %q (want default, fast or paper)", s)
}

// MarshalText writes p as its String, so reports name the preset.
func (p Preset) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// settings returns the preset's settings for a k x k kernel.
func (p Preset) settings(k int) Settings {
	switch p {
	case PresetFast:
		return Fast(k)
	case PresetPaper:
		return Paper(k)
	}
	return Default(k)
}

// Estimator is SelfDeblur as a blind.Estimator: a preset with the fields
// that are set overriding its values. The zero value is the command's
// default (the Default preset: two restarts of 400 iterations, Gx of width
// 32). Every field's zero value means "the preset's".
type Estimator struct {
	Preset     Preset
	Iterations int // optimisation steps per fit, the schedule scaled to match
	Width      int // channels of Gx's convolutions
	Skip       int // channels of Gx's skip connections
	Restarts   int // fits with the seeds Seed, Seed+1, ...; one is kept by Pick
	Pick       Pick
	Polish     int     // kernel polish steps after the joint fit (Settings.PolishIterations)
	Solver     Solver  // "": Joint
	Loss       Loss    // "": LossMSEThenSSIM
	SSIMFrom   int     // LossMSEThenSSIM: first iteration of 1 - SSIM
	TVWeight   float64 // LossMSETV: lambda; 0: 0.1 x the estimated noise level
	LRImage    float64 // Adam learning rate of Gx
	LRKernel   float64 // Adam learning rate of Gk
	KernelNet  KernelNet
	// Float32 keeps the convolutions in float32 where the preset would run
	// them in bfloat16 (Settings.BF16).
	Float32 bool
	// KernelDecoder is the pretrained kernel generator KernelNet
	// KernelPrior needs (e.g. pretrained.KernelVAE()).
	KernelDecoder KernelDecoder `json:"-"`
}

// Name returns "selfdeblur".
func (e Estimator) Name() string { return "selfdeblur" }

// Fits returns how many fits (restarts) an estimate runs.
func (e Estimator) Fits() int {
	if e.Restarts > 0 {
		return e.Restarts
	}
	return max(1, e.Preset.settings(3).Restarts)
}

// CustomIterations reports whether e sets its own iteration count.
func (e Estimator) CustomIterations() bool { return e.Iterations > 0 }

// MinSize returns the smallest side that an image plus a kernel frame
// minus one must have for Gx.
func (e Estimator) MinSize() int { return e.base(3).Gx.MinSize() }

// MaxFrame returns the largest kernel frame e can fit: the largest odd
// size within the kernel decoder's output for KernelPrior, 0 (no limit)
// otherwise.
func (e Estimator) MaxFrame() int {
	if e.KernelNet != KernelPrior || e.KernelDecoder == nil {
		return 0
	}
	out := e.KernelDecoder.Forward(nil, tensor.New(1, e.KernelDecoder.LatentDim()))
	s := min(out.Dim(2), out.Dim(3))
	return (s - 1) | 1
}

// FixedFrame reports whether every fit must keep the frame it is given
// (the kernel prior's frame is its decoder's, so it takes no second,
// generous frame).
func (e Estimator) FixedFrame() bool { return e.KernelNet == KernelPrior }

// base returns the preset for a k x k kernel with e's overrides applied,
// before any job.
func (e Estimator) base(k int) Settings {
	s := e.Preset.settings(k)
	if e.Iterations > 0 {
		s = s.WithIterations(e.Iterations)
	}
	if e.Width > 0 || e.Skip > 0 {
		w, sk := s.Gx.Down[0], s.Gx.Skip[0]
		if e.Width > 0 {
			w = e.Width
		}
		if e.Skip > 0 {
			sk = e.Skip
		}
		s.Gx = UniformSkip(w, sk)
	}
	if e.Restarts > 0 {
		s.Restarts = e.Restarts
	}
	s.Pick = e.Pick
	s.PolishIterations = e.Polish
	if e.Solver != "" {
		s.Solver = e.Solver
	}
	if e.Loss != "" {
		s.Loss = e.Loss
	}
	if e.SSIMFrom > 0 {
		s.SSIMFrom = e.SSIMFrom
	}
	s.TVWeight = e.TVWeight
	if e.LRImage > 0 {
		s.LRImage = e.LRImage
	}
	if e.LRKernel > 0 {
		s.LRKernel = e.LRKernel
	}
	if e.KernelNet != "" {
		s.KernelNet = e.KernelNet
	}
	s.KernelDecoder = e.KernelDecoder
	if e.Float32 {
		s.BF16 = false
	}
	return s
}

// Validate reports fields that cannot run, naming the field and what it
// accepts.
func (e Estimator) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"Iterations", e.Iterations}, {"Width", e.Width}, {"Skip", e.Skip}, {"Restarts", e.Restarts}, {"Polish", e.Polish}, {"SSIMFrom", e.SSIMFrom}} {
		if f.v < 0 {
			return fmt.Errorf("selfdeblur: %s %d: must be 0 (the preset's) or positive", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"TVWeight", e.TVWeight}, {"LRImage", e.LRImage}, {"LRKernel", e.LRKernel}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("selfdeblur: %s %v: must be 0 (the default) or a positive number", f.name, f.v)
		}
	}
	if e.Preset < PresetDefault || e.Preset > PresetPaper {
		return fmt.Errorf("selfdeblur: unknown preset %d", int(e.Preset))
	}
	s := e.base(3)
	return s.Validate()
}

// Settings returns the settings an estimate for job runs with: the preset
// for the largest frame of job.Frames (KernelSize 3 when there are none),
// e's overrides, one restart per frame when the frames differ, the job's
// iterations (when positive and e sets none), seed and concurrency.
func (e Estimator) Settings(job blind.Job) (Settings, error) {
	if err := e.Validate(); err != nil {
		return Settings{}, err
	}
	k := 3
	if len(job.Frames) > 0 {
		k = slices.Max(job.Frames)
	}
	s := e.base(k)
	if job.Iterations > 0 && e.Iterations == 0 {
		s = s.WithIterations(job.Iterations)
	}
	if len(job.Frames) > 1 && slices.Min(job.Frames) != k {
		s.Restarts = len(job.Frames)
		s.RestartKernelSizes = slices.Clone(job.Frames)
	}
	s.Seed = job.Seed
	s.Concurrency, s.Threads = job.Concurrency, job.Threads
	s.Recorder, s.SnapshotEvery = job.Recorder, job.SnapshotEvery
	return s, s.Validate()
}

// Estimate runs SelfDeblur on y as job says (see Settings).
func (e Estimator) Estimate(ctx context.Context, y *plane.Plane, job blind.Job) (*blind.Estimate, error) {
	s, err := e.Settings(job)
	if err != nil {
		return nil, err
	}
	r, err := Run(ctx, y, s)
	if r == nil {
		return nil, err
	}
	return r.estimate(s), err
}

// estimate describes r, a run with settings s, as a blind.Estimate.
func (r *Result) estimate(s Settings) *blind.Estimate {
	est := &blind.Estimate{Kernel: r.Kernel, Image: r.Image, Losses: r.Losses, Iterations: r.Iterations, Settings: s}
	frame := func(i int) int {
		if len(s.RestartKernelSizes) > i {
			return s.RestartKernelSizes[i]
		}
		return s.KernelSize
	}
	if len(r.RestartLosses) == 0 {
		est.Fits = []blind.Fit{{Seed: r.Seed, Frame: s.KernelSize, Loss: lastOr(r.Losses, math.NaN()), Sharpness: math.NaN(), PolishLoss: r.PolishLoss, Kernel: r.Kernel}}
		return est
	}
	for i, l := range r.RestartLosses {
		f := blind.Fit{Seed: s.Seed + uint64(i), Frame: frame(i), Loss: l, Sharpness: r.RestartSharpness[i], Kernel: r.RestartKernels[i]}
		if f.Seed == r.Seed {
			est.Kept = i
			f.PolishLoss = r.PolishLoss
		}
		est.Fits = append(est.Fits, f)
	}
	est.Rule = r.Picked.String()
	return est
}

// Package selfdeblur implements SelfDeblur (Ren et al., CVPR 2020): blind
// deconvolution by fitting two untrained generators to one blurry image, a
// deep-image-prior skip network Gx for the sharp image and a fully
// connected network Gk with a softmax for the kernel, minimising the
// distance between the blurry image and Gk(zk) * Gx(zx).
//
// The Paper preset holds the published configuration (the authors' code
// where it differs from the paper's text), and every difference between
// the paper and the code is a setting; docs/methods.md describes the
// networks and what the command adds around them.
package selfdeblur

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/deblur/deblur/progress"
)

// Solver is the optimisation scheme.
type Solver string

const (
	// Joint updates both networks with one Adam step per iteration
	// ("SelfDeblur-J", the default).
	Joint Solver = "joint"
	// Alternating updates Gk with Gx fixed, then Gx with Gk fixed, every
	// iteration ("SelfDeblur-A", an ablation).
	Alternating Solver = "alternating"
)

// Loss is the objective schedule.
type Loss string

const (
	// LossMSEThenSSIM is the objective of the authors' code: the MSE for
	// the first SSIMFrom iterations, then 1 - SSIM.
	LossMSEThenSSIM Loss = "mse-then-ssim"
	// LossMSETV is the objective the paper states: MSE + TVWeight * TV(x).
	LossMSETV Loss = "mse+tv"
)

// Losses lists the objectives.
func Losses() []Loss { return []Loss{LossMSEThenSSIM, LossMSETV} }

// Settings configures a SelfDeblur run. Start from Paper or Fast and change
// what you need; every field is used as given.
type Settings struct {
	KernelSize int        // K: the kernel is K x K; must be >= 3
	Iterations int        // optimisation steps
	Gx         SkipConfig // image generator architecture
	KernelNet  KernelNet  // kernel generator (KernelFCN in the paper)
	// KernelDecoder is the pretrained kernel generator of KernelPrior
	// (unused otherwise).
	KernelDecoder KernelDecoder `json:"-"`
	Solver        Solver
	Loss          Loss
	SSIMFrom      int     // LossMSEThenSSIM: first iteration of the 1 - SSIM loss
	TVWeight      float64 // LossMSETV: lambda; 0 means 0.1 x the noise level estimated from the image
	LRImage       float64 // Adam learning rate of Gx
	LRKernel      float64 // Adam learning rate of Gk
	Milestones    []int   // iterations at which both learning rates are multiplied by LRGamma
	LRGamma       float64
	InputNoise    float64 // std of the fresh perturbation added to zx every iteration
	Seed          uint64  // fixes every random draw (inputs, weights, perturbations)
	// Scales lists coarse stages run first (coarse to fine, see Scale);
	// iterations after the last one run at full scale. Empty: full scale
	// throughout, as in the paper.
	Scales []Scale
	// Restarts, when above 1, runs that many independent fits with the
	// seeds Seed, Seed+1, ... and keeps the one Pick chooses (see Run).
	// 0 and 1 mean one fit.
	Restarts int
	// Pick chooses the restart fit kept: the sharpest image or the lowest
	// final objective; the zero value, PickAuto, takes the first for
	// restarts in one kernel frame and the second across frames.
	Pick Pick
	// RestartKernelSizes, when not empty, gives every restart its own
	// kernel frame: fit i estimates a RestartKernelSizes[i] square kernel
	// in place of KernelSize (which should then be the largest; pipelines
	// plan memory and scales with it). Its length must equal Restarts. It
	// serves an unknown kernel size: a frame too small cannot explain the
	// blur and a generous one converges less reliably; Pick tells them
	// apart (see Run).
	RestartKernelSizes []int
	// PolishIterations, when above 0, refines the kernel after the joint
	// fit: Gk alone takes that many Adam steps on the final objective
	// (1 - SSIM, or MSE when the run never reached SSIMFrom) with the image
	// frozen at Gx's unperturbed output, at the learning rate the schedule
	// ended with (LRKernel times the milestones' factor). The joint fit
	// stops with the kernel still improving; this finishes it at a small
	// cost (one blur and Gk per step, no Gx). 0: none, as in the paper and
	// every preset. Measured on Levin (docs/results.md): 300 steps after
	// the Default preset's fits, +0.05 dB and error ratio 1.643 -> 1.627,
	// about 2.4 s per fit.
	PolishIterations int

	// Concurrency is how many restart fits run at once; 0 means as many
	// as GOMAXPROCS allows, at most Restarts. Threads is how many
	// goroutines each fit's matrix products use; 0 means GOMAXPROCS shared
	// among the concurrent fits. Concurrency x Threads is the restarts'
	// budget: once fewer fits than Concurrency are left (the others ended
	// and none waits), those left share it. Neither changes the result:
	// two fits on two cores, one thread each, is the Default preset's use
	// of a 2-core machine (0.17 s per step of both at Levin size, against
	// 0.22 s for the fits in turn with two threads each).
	Concurrency int `json:"-"`
	Threads     int `json:"-"`
	// BF16 lets the networks' convolutions run in bfloat16 where that is
	// fast: in a build with oneDNN (-tags dnnl) on a CPU with AVX-512 BF16
	// or AMX (tensor.Tape.BF16). Elsewhere it changes nothing. Fast and
	// Default set it; Paper does not.
	BF16 bool
	// SnapshotEvery, when positive, sends the current kernel and image to
	// Recorder every that many iterations (progress.Event's Kernel and
	// Image), at the cost of one forward pass of the networks each time.
	SnapshotEvery int `json:"-"`

	Recorder    progress.Recorder `json:"-"` // receives progress; may be nil
	ReportEvery int               `json:"-"` // iterations between progress reports (default 10)

	// share, set by runRestarts on each fit, hands the threads of fits
	// that have ended to those still running.
	share *threadShare
}

// Paper returns the specification's settings for a K x K kernel: the
// authors' code schedule for the Levin benchmark (5000 iterations, MSE for
// the first 1000, learning rates 0.01 / 1e-4 halved at 2000, 3000 and 4000),
// the full-width Gx and the FCN Gk.
func Paper(k int) Settings {
	return Settings{
		KernelSize: k,
		Iterations: 5000,
		Gx:         PaperSkip(),
		KernelNet:  KernelFCN,
		Solver:     Joint,
		Loss:       LossMSEThenSSIM,
		SSIMFrom:   1000,
		LRImage:    0.01,
		LRKernel:   1e-4,
		Milestones: []int{2000, 3000, 4000},
		LRGamma:    0.5,
		InputNoise: 0.001,
		Seed:       1,
	}
}

// Fast returns a small configuration for demonstrations: the paper's
// architecture at width 32 (skip 8), 600 iterations with the schedule
// scaled to match, and a kernel learning rate of 1e-3 (the paper's 1e-4
// barely moves the kernel in a schedule this short; measured on a
// synthetic 9x9 motion blur). It trades quality for speed. Its
// convolutions run in bfloat16 where that is fast (BF16; measured on
// Levin in docs/results.md: the same quality in about two thirds of the
// time).
func Fast(k int) Settings {
	s := Paper(k)
	s.Gx = UniformSkip(32, 8)
	s.Iterations = 600
	s.SSIMFrom = 150
	s.Milestones = []int{300, 450, 525}
	s.LRKernel = 1e-3
	s.BF16 = true
	return s
}

// Default is the command's default: Fast's network (width 32, skip 8) and
// kernel learning rate over 400 iterations (Fast's schedule scaled to 300
// iterations, then to 400), with two restarts run concurrently and the
// sharper image kept (PickAuto; see PickSharpest). The command gives the
// restarts two frames (RestartKernelSizes from kernel.GivenFrames or
// kernel.AutoFrames), and PickAuto then keeps the lower objective. On the 2-core
// development machine each fit runs on its own core, so the second costs
// little wall time. Measured with an irls finish on all 32 Levin images
// (docs/results.md): keeping the lower final objective, 33.05 dB mean,
// median 54 s per image; the same fits with the sharper image kept,
// 33.34 dB; 300 iterations gave 32.77 dB in 42 s.
func Default(k int) Settings {
	s := Fast(k)
	s.Iterations = 400
	s.SSIMFrom = 100
	s.Milestones = []int{200, 300, 349}
	s.Restarts = 2
	return s
}

// FastCoarseToFine is Fast with a coarse stage: 400 iterations at half
// scale (a quarter of the pixels), then 300 at full scale, with the loss
// switch and learning-rate milestones at the same fractions of the run.
func FastCoarseToFine(k int) Settings {
	s := Fast(k)
	s.Iterations = 700
	s.Scales = []Scale{{Shrink: 2, Until: 400}}
	s.SSIMFrom = 175
	s.Milestones = []int{350, 525, 612}
	return s
}

// WithIterations returns s running n iterations (n >= 1) with its schedule
// scaled by n / s.Iterations: the switch to 1 - SSIM, the learning-rate
// milestones and the ends of the coarse stages (each rounded down).
func (s Settings) WithIterations(n int) Settings {
	f := float64(n) / float64(s.Iterations)
	at := func(it int) int { return int(float64(it) * f) }
	s.Iterations = n
	if s.SSIMFrom > 0 {
		s.SSIMFrom = at(s.SSIMFrom)
	}
	s.Milestones = slices.Clone(s.Milestones)
	for i, m := range s.Milestones {
		s.Milestones[i] = at(m)
	}
	s.Scales = slices.Clone(s.Scales)
	for i := range s.Scales {
		s.Scales[i].Until = at(s.Scales[i].Until)
	}
	return s
}

// concurrency is the number of restart fits run at once.
func (s Settings) concurrency() int {
	n := max(s.Restarts, 1)
	if s.Concurrency > 0 {
		return min(s.Concurrency, n)
	}
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// threads is the goroutine count of a single fit's matrix products.
func (s Settings) threads() int {
	if s.Threads > 0 {
		return s.Threads
	}
	return runtime.GOMAXPROCS(0)
}

// Validate reports settings that cannot run.
func (s Settings) Validate() error {
	switch {
	case s.KernelSize < 3:
		return fmt.Errorf("selfdeblur: kernel size %d, need at least 3", s.KernelSize)
	case s.Iterations < 1:
		return fmt.Errorf("selfdeblur: %d iterations", s.Iterations)
	case !s.Pick.valid():
		return fmt.Errorf("selfdeblur: unknown restart pick %d", int(s.Pick))
	case s.Restarts < 0:
		return fmt.Errorf("selfdeblur: %d restarts", s.Restarts)
	case s.TVWeight < 0:
		return fmt.Errorf("selfdeblur: TV weight %v must not be negative", s.TVWeight)
	case s.SnapshotEvery < 0:
		return fmt.Errorf("selfdeblur: snapshot interval %d must not be negative", s.SnapshotEvery)
	case s.Concurrency < 0 || s.Threads < 0:
		return fmt.Errorf("selfdeblur: concurrency %d and threads %d must not be negative", s.Concurrency, s.Threads)
	case s.PolishIterations < 0:
		return fmt.Errorf("selfdeblur: %d polish iterations", s.PolishIterations)
	case len(s.RestartKernelSizes) > 0 && len(s.RestartKernelSizes) != s.Restarts:
		return fmt.Errorf("selfdeblur: %d restart kernel sizes for %d restarts", len(s.RestartKernelSizes), s.Restarts)
	case len(s.RestartKernelSizes) > 0 && slices.Min(s.RestartKernelSizes) < 3:
		return fmt.Errorf("selfdeblur: restart kernel size %d, need at least 3", slices.Min(s.RestartKernelSizes))
	case s.Solver != Joint && s.Solver != Alternating:
		return fmt.Errorf("selfdeblur: unknown solver %q (joint or alternating)", s.Solver)
	case s.Loss != LossMSEThenSSIM && s.Loss != LossMSETV:
		return fmt.Errorf("selfdeblur: unknown loss %q (%s or %s)", s.Loss, LossMSEThenSSIM, LossMSETV)
	case !(s.LRImage > 0) || !(s.LRKernel > 0):
		return fmt.Errorf("selfdeblur: learning rates must be positive")
	case !slices.Contains(KernelNets(), s.KernelNet):
		return fmt.Errorf("selfdeblur: unknown kernel network %q", s.KernelNet)
	case s.KernelNet == KernelPrior && s.KernelDecoder == nil:
		return fmt.Errorf("selfdeblur: kernel network %q needs a kernel decoder", KernelPrior)
	}
	if err := validateScales(s); err != nil {
		return err
	}
	return s.Gx.Validate()
}

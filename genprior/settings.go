package genprior

import (
	"fmt"

	"github.com/deblur/deblur/progress"
)

// Alg1Settings configures Deblur (Algorithm 1). Per restart it minimises
//
//	L(z_i, z_k) = H W ||y - G_I(z_i) ⊛ k(z_k)||^2 + Gamma ||z_i||^2 + Lambda ||z_k||^2,
//
// where the squared norm sums over pixels and channels and k(z_k) is
// G_K(z_k), divided by its sum when NormalizeKernel is set. The factor
// H W makes the residual the authors' one, taken between unnormalised
// spectra (Parseval), so Gamma and Lambda weigh the latents as in their
// code. Each iteration updates z_k, then z_i with the new z_k, each by a
// step of StepSize * exp(-t / StepDecay) along its gradient divided by that
// restart's own gradient RMS plus 1e-5 (the authors' normalisation, per
// restart, so that restarts stay independent problems whatever the size of
// each one's gradient).
type Alg1Settings struct {
	Steps     int     // iterations
	Restarts  int     // R random initialisations z ~ N(0, I), run as one batch
	Gamma     float64 // weight of ||z_i||^2
	Lambda    float64 // weight of ||z_k||^2
	StepSize  float64 // step at iteration 0
	StepDecay float64 // the step decays as exp(-t / StepDecay)
	// NormalizeKernel divides G_K(z_k) by its sum inside the model. The
	// authors did not; it removes the scale ambiguity between image and
	// kernel.
	NormalizeKernel bool
	Seed            uint64 // fixes every random draw

	Recorder    progress.Recorder `json:"-"` // receives progress; may be nil
	ReportEvery int               `json:"-"` // iterations between reports (default 10)
}

// Alg1Defaults returns the specification's Algorithm 1 settings: 6000
// iterations (the authors' SVHN setting; they used 10,000 for faces and
// shoes), 10 restarts, Gamma = Lambda = 0.01, step 0.01 exp(-t/1000), and
// kernel normalisation on.
func Alg1Defaults() Alg1Settings {
	return Alg1Settings{
		Steps:           6000,
		Restarts:        10,
		Gamma:           0.01,
		Lambda:          0.01,
		StepSize:        0.01,
		StepDecay:       1000,
		NormalizeKernel: true,
		Seed:            1,
	}
}

// Validate reports settings that cannot run.
func (s Alg1Settings) Validate() error {
	switch {
	case s.Steps < 1:
		return fmt.Errorf("genprior: %d steps", s.Steps)
	case s.Restarts < 1:
		return fmt.Errorf("genprior: %d restarts", s.Restarts)
	case !(s.Gamma >= 0) || !(s.Lambda >= 0):
		return fmt.Errorf("genprior: latent weights %v, %v must be non-negative", s.Gamma, s.Lambda)
	case !(s.StepSize > 0) || !(s.StepDecay > 0):
		return fmt.Errorf("genprior: step size %v and decay %v must be positive", s.StepSize, s.StepDecay)
	}
	return nil
}

// Alg2Settings configures DeblurSlack (Algorithm 2). Per restart it
// minimises, jointly over a free image i, z_i and z_k with Adam,
//
//	L = ImageResidual ||y - i ⊛ k||^2 + RangeResidual ||y - G_I(z_i) ⊛ k||^2
//	  + RangeError mean((i - G_I(z_i))^2) + TV TVSum(i),
//
// with k = k(z_k) as for Algorithm 1, squared norms summed over pixels and
// channels, the mean over the pixels and channels of one image, and TVSum
// the summed absolute horizontal and vertical differences of all channels
// (tensor.TVSum; TensorFlow's total_variation, which the authors use).
// These are the scales of the authors' code: their residuals are means
// over the spectrum, which equal spatial sums.
type Alg2Settings struct {
	Steps         int
	Restarts      int
	LR            float64 // Adam learning rate
	ImageResidual float64 // weight of the free image's residual
	RangeResidual float64 // weight of G_I(z_i)'s residual
	RangeError    float64 // weight of the mean squared distance of i from G_I(z_i)
	TV            float64 // weight of TVSum(i)
	InitMean      float64 // i starts as N(InitMean, InitStd^2) per pixel
	InitStd       float64
	// NormalizeKernel divides G_K(z_k) by its sum inside the model (not
	// done by the authors).
	NormalizeKernel bool
	// Warm, when positive, starts every restart from Algorithm 1 instead
	// of a random draw: Deblur's iterations are run first for Warm steps
	// (Alg1Defaults with these Restarts, Seed and NormalizeKernel), and
	// Algorithm 2 begins from their latents with the free image i =
	// G_I(z_i). Zero is the authors' random start.
	Warm int
	// FollowNoise scales the weights of the range error and of TV by
	// (σ/0.01)² when σ, the noise of y estimated by blur.EstimateNoise,
	// exceeds 0.015: the authors' weights are for 1 % noise, and a free
	// image weighed as they did fits stronger noise.
	FollowNoise bool
	Seed        uint64

	Recorder    progress.Recorder `json:"-"`
	ReportEvery int               `json:"-"` // default 10
}

// Alg2Defaults returns the specification's Algorithm 2 settings: Adam at
// 0.005 for 10,000 iterations, 10 restarts, weights 0.5 (free image
// residual), 1.0 (range residual), 100 (range error), 0.001 (TV), i
// initialised N(0.5, 0.01^2), kernel normalisation on.
func Alg2Defaults() Alg2Settings {
	return Alg2Settings{
		Steps:           10000,
		Restarts:        10,
		LR:              0.005,
		ImageResidual:   0.5,
		RangeResidual:   1.0,
		RangeError:      100,
		TV:              0.001,
		InitMean:        0.5,
		InitStd:         0.01,
		NormalizeKernel: true,
		Seed:            1,
	}
}

// WarmSteps is how many Algorithm 1 iterations SlackDefaults runs before
// Algorithm 2: the step count of the shipped benchmarks' Algorithm 1 rows.
const WarmSteps = 1000

// SlackDefaults returns the settings deblur runs Algorithm 2 with:
// Alg2Defaults with the project's two departures from the authors, a
// start from WarmSteps iterations of Algorithm 1 (Warm) and weights that
// follow the noise (FollowNoise); both measured better on the shoe
// benchmark (docs/results.md).
func SlackDefaults() Alg2Settings {
	s := Alg2Defaults()
	s.Warm, s.FollowNoise = WarmSteps, true
	return s
}

// Validate reports settings that cannot run.
func (s Alg2Settings) Validate() error {
	switch {
	case s.Steps < 1:
		return fmt.Errorf("genprior: %d steps", s.Steps)
	case s.Restarts < 1:
		return fmt.Errorf("genprior: %d restarts", s.Restarts)
	case !(s.LR > 0):
		return fmt.Errorf("genprior: learning rate %v must be positive", s.LR)
	case !(s.ImageResidual >= 0) || !(s.RangeResidual >= 0) || !(s.RangeError >= 0) || !(s.TV >= 0):
		return fmt.Errorf("genprior: weights must be non-negative")
	case !(s.InitStd >= 0):
		return fmt.Errorf("genprior: initial standard deviation %v", s.InitStd)
	case s.Warm < 0:
		return fmt.Errorf("genprior: %d warm-start steps", s.Warm)
	}
	return nil
}

func reportEvery(n int) int {
	if n <= 0 {
		return 10
	}
	return n
}

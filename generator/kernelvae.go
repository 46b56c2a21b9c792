package generator

import (
	"fmt"
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// KernelSize is the side of the kernels KernelVAE models.
const KernelSize = 28

// KernelVAEConfig sets the width of a KernelVAE; the authors' network has
// Latent 50 and Filters 20 (DefaultKernelVAE).
type KernelVAEConfig struct {
	Latent  int `json:"latent"`
	Filters int `json:"filters"`
}

// DefaultKernelVAE is the authors' configuration.
func DefaultKernelVAE() KernelVAEConfig { return KernelVAEConfig{Latent: 50, Filters: 20} }

func (c KernelVAEConfig) validate() error {
	if c.Latent < 1 || c.Latent > maxWidth || c.Filters < 1 || c.Filters > maxWidth {
		return fmt.Errorf("kernel VAE: latent %d and filters %d must be in 1..%d", c.Latent, c.Filters, maxWidth)
	}
	return nil
}

// KernelVAE is the authors' VAE of 28x28 motion-blur kernels (their
// MotionBlurGenerator, checked against their Keras code, which uses
// "valid" 2x2 convolutions so the decoder mirrors the encoder exactly):
//
//	encoder: conv 2x2 (F filters) ReLU 27x27 -> max-pool 13x13 -> conv 2x2 ReLU
//	         12x12 -> max-pool 6x6 -> flatten (36 F) -> dense to mean and to
//	         log-variance (Latent each)
//	decoder: dense (36 F) ReLU -> F x 6 x 6 -> nearest upsampling 12x12 ->
//	         transposed conv 2x2 ReLU 13x13 -> upsampling 26x26 -> transposed
//	         conv 2x2 ReLU 27x27 -> transposed conv 2x2 to 1 channel, ReLU, 28x28
//
// The ReLU output is a non-negative kernel, not normalised; it is trained
// on kernels scaled to a peak of 1 (see TrainVAE), so decoded kernels have
// peaks near 1 and the caller divides by the sum.
type KernelVAE struct {
	cfg           KernelVAEConfig
	conv1, conv2  *nn.Conv2d
	mean, logVar  *nn.Linear
	dense         *nn.Linear
	up1, up2, out *nn.ConvTranspose2d
}

// NewKernelVAE returns a KernelVAE with PyTorch's default initialisation
// drawn from rng.
func NewKernelVAE(cfg KernelVAEConfig, rng *rand.Rand) (*KernelVAE, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	f, flat := cfg.Filters, cfg.Filters*6*6
	return &KernelVAE{
		cfg:    cfg,
		conv1:  nn.NewConv2d(rng, 1, f, 2, 1, true, nn.ZeroPad),
		conv2:  nn.NewConv2d(rng, f, f, 2, 1, true, nn.ZeroPad),
		mean:   nn.NewLinear(rng, flat, cfg.Latent, true),
		logVar: nn.NewLinear(rng, flat, cfg.Latent, true),
		dense:  nn.NewLinear(rng, cfg.Latent, flat, true),
		up1:    nn.NewConvTranspose2d(rng, f, f, 2, 1, 0, 0, true),
		up2:    nn.NewConvTranspose2d(rng, f, f, 2, 1, 0, 0, true),
		out:    nn.NewConvTranspose2d(rng, f, 1, 2, 1, 0, 0, true),
	}, nil
}

// Config returns the architecture's settings.
func (m *KernelVAE) Config() KernelVAEConfig { return m.cfg }

// Kind is "kernel-vae".
func (m *KernelVAE) Kind() string { return "kernel-vae" }

// LatentDim returns the latent size.
func (m *KernelVAE) LatentDim() int { return m.cfg.Latent }

// Encode maps kernels x (N x 1 x 28 x 28) to the mean and log-variance
// (N x Latent each) of the approximate posterior.
func (m *KernelVAE) Encode(tp *tensor.Tape, x *tensor.Tensor) (mean, logVar *tensor.Tensor) {
	checkInput("kernel VAE", x, 1, KernelSize, KernelSize)
	h := tensor.MaxPool2D(tp, tensor.ReLU(tp, m.conv1.Forward(tp, x)))
	h = tensor.MaxPool2D(tp, tensor.ReLU(tp, m.conv2.Forward(tp, h)))
	h = tensor.Reshape(tp, h, x.Dim(0), -1)
	return m.mean.Forward(tp, h), m.logVar.Forward(tp, h)
}

// Forward decodes z (N x Latent) into non-negative kernels N x 1 x 28 x 28.
func (m *KernelVAE) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	return tensor.ReLU(tp, m.preActivation(tp, z))
}

// preActivation decodes z up to the output layer's ReLU.
func (m *KernelVAE) preActivation(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	checkLatent("kernel VAE", z, m.cfg.Latent)
	h := tensor.ReLU(tp, m.dense.Forward(tp, z))
	h = tensor.Reshape(tp, h, z.Dim(0), m.cfg.Filters, 6, 6)
	h = tensor.ReLU(tp, m.up1.Forward(tp, tensor.UpsampleNearest2x(tp, h)))
	h = tensor.ReLU(tp, m.up2.Forward(tp, tensor.UpsampleNearest2x(tp, h)))
	return m.out.Forward(tp, h)
}

// reconLoss is the kernel VAE's reconstruction term: kernelReconWeight
// times the squared error of the decoded kernel, summed over its pixels and
// averaged over the batch (a Gaussian likelihood with standard deviation
// 1/sqrt(2 kernelReconWeight) on peak-1 kernels).
//
// One change keeps training alive: on pixels where the target is positive
// the error is taken before the output ReLU, (p - x)^2 instead of
// (max(p, 0) - x)^2. The two agree wherever p >= 0; where p < 0 the plain
// ReLU passes no gradient, and since nearly every pixel of a motion kernel
// is zero, the plain loss soon drives the whole output below zero for good
// (measured: four short runs of the plain loss, with weights 5 and 50,
// learning rates 1e-3 and 3e-4 and a positive initial output bias, all
// ended with an all-zero output).
// Pixels whose target is zero keep the ReLU, so the loss still only
// penalises positive output there.
func (m *KernelVAE) reconLoss(tp *tensor.Tape, z, x *tensor.Tensor) *tensor.Tensor {
	p := m.preActivation(tp, z)
	y := tensor.ReLU(tp, p)
	mask := tensor.New(x.Shape()...)
	for i, v := range x.Data {
		if v > 0 {
			mask.Data[i] = 1
		}
	}
	// y + mask (p - y): p where the target is positive, max(p, 0) elsewhere.
	y = tensor.Add(tp, y, tensor.Mul(tp, tensor.Sub(tp, p, y), mask))
	return tensor.Scale(tp, tensor.MSE(tp, y, x), float32(kernelReconWeight*KernelSize*KernelSize))
}

// kernelReconWeight weights the kernels' summed squared error against the
// KL term; see reconLoss.
const kernelReconWeight = 50

// Params returns the parameters under PyTorch-like names.
func (m *KernelVAE) Params() []nn.Param {
	var ps []nn.Param
	for _, l := range []struct {
		name string
		ps   []nn.Param
	}{
		{"enc.conv1", m.conv1.Params()}, {"enc.conv2", m.conv2.Params()},
		{"enc.mean", m.mean.Params()}, {"enc.logvar", m.logVar.Params()},
		{"dec.dense", m.dense.Params()}, {"dec.up1", m.up1.Params()},
		{"dec.up2", m.up2.Params()}, {"dec.out", m.out.Params()},
	} {
		ps = append(ps, nn.Prefixed(l.name, l.ps)...)
	}
	return ps
}

func (m *KernelVAE) config() any         { return m.cfg }
func (m *KernelVAE) buffers() []nn.Param { return nil }

// checkLatent panics unless z is N x dim.
func checkLatent(what string, z *tensor.Tensor, dim int) {
	if s := z.Shape(); len(s) != 2 || s[1] != dim {
		panic(fmt.Sprintf("generator: %s needs latent vectors N x %d, got shape %v", what, dim, s))
	}
}

// checkInput panics unless x is N x c x h x w.
func checkInput(what string, x *tensor.Tensor, c, h, w int) {
	if s := x.Shape(); len(s) != 4 || s[1] != c || s[2] != h || s[3] != w {
		panic(fmt.Sprintf("generator: %s needs inputs N x %d x %d x %d, got shape %v", what, c, h, w, s))
	}
}

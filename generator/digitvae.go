package generator

import (
	"fmt"
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// DigitSize is the side of the digit images DigitVAE models.
const DigitSize = 28

// DigitVAEConfig sets the widths of a DigitVAE (DefaultDigitVAE: latent 20,
// 32 and 64 filters).
type DigitVAEConfig struct {
	Latent int `json:"latent"`
	Width1 int `json:"width1"` // filters at 14x14
	Width2 int `json:"width2"` // filters at 7x7
}

// DefaultDigitVAE is the configuration of the shipped digit VAE: 20 latent
// dimensions, 32 and 64 filters, 258,025 parameters (about 1 MB).
func DefaultDigitVAE() DigitVAEConfig { return DigitVAEConfig{Latent: 20, Width1: 32, Width2: 64} }

func (c DigitVAEConfig) validate() error {
	for _, v := range []int{c.Latent, c.Width1, c.Width2} {
		if v < 1 || v > maxWidth {
			return fmt.Errorf("digit VAE: latent %d and widths %d, %d must be in 1..%d", c.Latent, c.Width1, c.Width2, maxWidth)
		}
	}
	return nil
}

// DigitVAE is a small VAE of 28x28 gray digits, built like the authors'
// SVHN VAE (strided convolutions down, mirrored transposed convolutions up,
// sigmoid output) but smaller and without batch norms, so that decoding
// needs no running statistics:
//
//	encoder: conv 4x4 stride 2 (Width1) ReLU 14x14 -> conv 4x4 stride 2
//	         (Width2) ReLU 7x7 -> flatten -> dense to mean and log-variance
//	decoder: dense (Width2 x 7 x 7) ReLU -> transposed conv 4x4 stride 2
//	         (Width1) ReLU 14x14 -> transposed conv 4x4 stride 2 to 1 channel
//	         28x28 -> sigmoid
//
// It is trained with a Bernoulli likelihood (binary cross-entropy on the
// logits before the sigmoid).
type DigitVAE struct {
	cfg          DigitVAEConfig
	conv1, conv2 *nn.Conv2d
	mean, logVar *nn.Linear
	dense        *nn.Linear
	up1, out     *nn.ConvTranspose2d
}

// NewDigitVAE returns a DigitVAE with PyTorch's default initialisation
// drawn from rng.
func NewDigitVAE(cfg DigitVAEConfig, rng *rand.Rand) (*DigitVAE, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	flat := cfg.Width2 * 7 * 7
	return &DigitVAE{
		cfg:    cfg,
		conv1:  nn.NewConv2d(rng, 1, cfg.Width1, 4, 2, true, nn.ZeroPad),
		conv2:  nn.NewConv2d(rng, cfg.Width1, cfg.Width2, 4, 2, true, nn.ZeroPad),
		mean:   nn.NewLinear(rng, flat, cfg.Latent, true),
		logVar: nn.NewLinear(rng, flat, cfg.Latent, true),
		dense:  nn.NewLinear(rng, cfg.Latent, flat, true),
		up1:    nn.NewConvTranspose2d(rng, cfg.Width2, cfg.Width1, 4, 2, 1, 0, true),
		out:    nn.NewConvTranspose2d(rng, cfg.Width1, 1, 4, 2, 1, 0, true),
	}, nil
}

// Config returns the architecture's settings.
func (m *DigitVAE) Config() DigitVAEConfig { return m.cfg }

// Kind is "digit-vae".
func (m *DigitVAE) Kind() string { return "digit-vae" }

// LatentDim returns the latent size.
func (m *DigitVAE) LatentDim() int { return m.cfg.Latent }

// Encode maps images x (N x 1 x 28 x 28, values in [0, 1]) to the mean and
// log-variance (N x Latent each) of the approximate posterior.
func (m *DigitVAE) Encode(tp *tensor.Tape, x *tensor.Tensor) (mean, logVar *tensor.Tensor) {
	checkInput("digit VAE", x, 1, DigitSize, DigitSize)
	h := tensor.ReLU(tp, m.conv1.Forward(tp, x))
	h = tensor.ReLU(tp, m.conv2.Forward(tp, h))
	h = tensor.Reshape(tp, h, x.Dim(0), -1)
	return m.mean.Forward(tp, h), m.logVar.Forward(tp, h)
}

// logits decodes z into the pre-sigmoid N x 1 x 28 x 28 outputs.
func (m *DigitVAE) logits(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	checkLatent("digit VAE", z, m.cfg.Latent)
	h := tensor.ReLU(tp, m.dense.Forward(tp, z))
	h = tensor.Reshape(tp, h, z.Dim(0), m.cfg.Width2, 7, 7)
	h = tensor.ReLU(tp, m.up1.Forward(tp, h))
	return m.out.Forward(tp, h)
}

// Forward decodes z (N x Latent) into images N x 1 x 28 x 28 in [0, 1].
func (m *DigitVAE) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	return tensor.Sigmoid(tp, m.logits(tp, z))
}

// reconLoss is the binary cross-entropy of the decoded logits against x,
// summed over the pixels of each image and averaged over the batch.
func (m *DigitVAE) reconLoss(tp *tensor.Tape, z, x *tensor.Tensor) *tensor.Tensor {
	return tensor.Scale(tp, tensor.BCEWithLogits(tp, m.logits(tp, z), x), DigitSize*DigitSize)
}

// Params returns the parameters under PyTorch-like names.
func (m *DigitVAE) Params() []nn.Param {
	var ps []nn.Param
	ps = append(ps, nn.Prefixed("enc.conv1", m.conv1.Params())...)
	ps = append(ps, nn.Prefixed("enc.conv2", m.conv2.Params())...)
	ps = append(ps, nn.Prefixed("enc.mean", m.mean.Params())...)
	ps = append(ps, nn.Prefixed("enc.logvar", m.logVar.Params())...)
	ps = append(ps, nn.Prefixed("dec.dense", m.dense.Params())...)
	ps = append(ps, nn.Prefixed("dec.up1", m.up1.Params())...)
	ps = append(ps, nn.Prefixed("dec.out", m.out.Params())...)
	return ps
}

func (m *DigitVAE) config() any         { return m.cfg }
func (m *DigitVAE) buffers() []nn.Param { return nil }

package generator

import (
	"fmt"
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// DCGANSize is the side of the images a DCGAN generates by default.
const DCGANSize = 64

// DCGANConfig sets the sizes of a DCGAN generator and its discriminator.
// Widths are the channels at 4x4, 8x8, 16x16 and 32x32 (the authors':
// 512, 256, 128, 64); the discriminator mirrors them.
type DCGANConfig struct {
	Latent   int    `json:"latent"`
	Channels int    `json:"channels"` // 1 (gray) or 3 (RGB)
	Widths   [4]int `json:"widths"`
	// Size is the side of the images: 64 (the authors': four transposed
	// convolutions from 4x4) or 32 (three, from Widths[1] at 4x4;
	// Widths[0] is then unused). 0 means 64.
	Size int `json:"size,omitempty"`
}

// ImageSize returns the side of the images, Size or 64 for 0.
func (c DCGANConfig) ImageSize() int {
	if c.Size == 0 {
		return DCGANSize
	}
	return c.Size
}

// first is the index of the first level in Widths: 0 at 64 px, 1 at 32.
func (c DCGANConfig) first() int {
	if c.ImageSize() == 32 {
		return 1
	}
	return 0
}

// DefaultDCGAN is the authors' configuration for RGB images.
func DefaultDCGAN() DCGANConfig {
	return DCGANConfig{Latent: 100, Channels: 3, Widths: [4]int{512, 256, 128, 64}}
}

func (c DCGANConfig) validate() error {
	if c.Size != 0 && c.Size != 32 && c.Size != 64 {
		return fmt.Errorf("DCGAN: size %d must be 32 or 64", c.Size)
	}
	if c.Latent < 1 || c.Latent > maxWidth || (c.Channels != 1 && c.Channels != 3) {
		return fmt.Errorf("DCGAN: latent %d must be in 1..%d and channels %d 1 or 3", c.Latent, maxWidth, c.Channels)
	}
	for _, w := range c.Widths {
		if w < 1 || w > maxWidth {
			return fmt.Errorf("DCGAN: widths %v must be in 1..%d", c.Widths, maxWidth)
		}
	}
	return nil
}

// DCGAN is the authors' DCGAN generator of 64x64 images:
//
//	dense (Widths[0] x 4 x 4) -> BN ReLU -> four 5x5 stride-2 transposed
//	convolutions to Widths[1], Widths[2], Widths[3] (each followed by BN and
//	ReLU) and Channels -> tanh
//
// or, with Size 32, the same from Widths[1] x 4 x 4 with three.
//
// Forward maps the tanh output from [-1, 1] to [0, 1] and uses the batch
// norms' running statistics (PyTorch's evaluation mode); training uses the
// batch statistics and updates the running ones.
type DCGAN struct {
	cfg   DCGANConfig
	dense *nn.Linear
	bn    [4]*nn.BatchNorm2d
	up    [4]*nn.ConvTranspose2d
}

// NewDCGAN returns a generator initialised as in the DCGAN paper: weights
// N(0, 0.02), biases 0, batch-norm scales N(1, 0.02).
func NewDCGAN(cfg DCGANConfig, rng *rand.Rand) (*DCGAN, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	w, f := cfg.Widths, cfg.first()
	g := &DCGAN{cfg: cfg, dense: nn.NewLinear(rng, cfg.Latent, w[f]*16, true)}
	dcganInit(rng, g.dense.W, g.dense.B)
	outs := [4]int{w[1], w[2], w[3], cfg.Channels}
	for i := f; i < 4; i++ {
		g.bn[i] = newDCGANBatchNorm(rng, w[i])
		g.bn[i].TrackRunningStats()
		g.up[i] = nn.NewConvTranspose2d(rng, w[i], outs[i], 5, 2, 2, 1, true)
		dcganInit(rng, g.up[i].W, g.up[i].B)
	}
	return g, nil
}

// dcganInit draws weights from N(0, 0.02) and zeroes biases.
func dcganInit(rng *rand.Rand, w, b *tensor.Tensor) {
	nn.Normal(rng, w, 0, 0.02)
	if b != nil {
		clear(b.Data)
	}
}

func newDCGANBatchNorm(rng *rand.Rand, c int) *nn.BatchNorm2d {
	bn := nn.NewBatchNorm2d(c)
	nn.Normal(rng, bn.Gamma, 1, 0.02)
	return bn
}

// Config returns the architecture's settings.
func (g *DCGAN) Config() DCGANConfig { return g.cfg }

// Kind is "dcgan".
func (g *DCGAN) Kind() string { return "dcgan" }

// LatentDim returns the latent size.
func (g *DCGAN) LatentDim() int { return g.cfg.Latent }

// Forward maps z (N x Latent) to images N x Channels x Size x Size in
// [0, 1], with the batch norms in evaluation mode.
func (g *DCGAN) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	t := g.forward(tp, z, false)
	return tensor.AddScalar(tp, tensor.Scale(tp, t, 0.5), 0.5)
}

// forward returns the tanh output in [-1, 1]; train selects batch
// statistics (updating the running ones) over running statistics.
func (g *DCGAN) forward(tp *tensor.Tape, z *tensor.Tensor, train bool) *tensor.Tensor {
	checkLatent("DCGAN", z, g.cfg.Latent)
	f := g.cfg.first()
	h := tensor.Reshape(tp, g.dense.Forward(tp, z), z.Dim(0), g.cfg.Widths[f], 4, 4)
	for i := f; i < 4; i++ {
		if train {
			h = g.bn[i].ForwardLeakyReLU(tp, h, 0)
		} else {
			h = tensor.ReLU(tp, g.bn[i].Eval(tp, h))
		}
		h = g.up[i].Forward(tp, h)
	}
	return tensor.Tanh(tp, h)
}

// Params returns the parameters: dense, then per level the batch norm and
// the transposed convolution that follows it.
func (g *DCGAN) Params() []nn.Param {
	ps := nn.Prefixed("dense", g.dense.Params())
	for i := g.cfg.first(); i < 4; i++ {
		ps = append(ps, nn.Prefixed(fmt.Sprintf("bn%d", i), g.bn[i].Params())...)
		ps = append(ps, nn.Prefixed(fmt.Sprintf("up%d", i), g.up[i].Params())...)
	}
	return ps
}

func (g *DCGAN) config() any { return g.cfg }

func (g *DCGAN) buffers() []nn.Param {
	var ps []nn.Param
	for i := g.cfg.first(); i < 4; i++ {
		ps = append(ps, nn.Param{Name: fmt.Sprintf("bn%d.running_mean", i), T: g.bn[i].RunningMean},
			nn.Param{Name: fmt.Sprintf("bn%d.running_var", i), T: g.bn[i].RunningVar})
	}
	return ps
}

// Discriminator is the DCGAN discriminator matching a DCGAN generator:
// four 5x5 stride-2 convolutions from Channels to Widths[3], [2], [1], [0]
// (64 -> 32 -> 16 -> 8 -> 4 pixels; with Size 32, three, to Widths[1]),
// each followed by LeakyReLU(0.2), with
// batch norms before all but the first activation, then a dense layer to
// one logit ("real"). It always normalises with batch statistics.
type Discriminator struct {
	cfg   DCGANConfig
	conv  [4]*nn.Conv2d
	bn    [3]*nn.BatchNorm2d
	dense *nn.Linear
}

// NewDiscriminator returns a discriminator for images of cfg, initialised
// like NewDCGAN.
func NewDiscriminator(cfg DCGANConfig, rng *rand.Rand) (*Discriminator, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	w, n := cfg.Widths, 4-cfg.first()
	ins := [4]int{cfg.Channels, w[3], w[2], w[1]}
	outs := [4]int{w[3], w[2], w[1], w[0]}
	d := &Discriminator{cfg: cfg}
	for i := range n {
		d.conv[i] = nn.NewConv2d(rng, ins[i], outs[i], 5, 2, true, nn.ZeroPad)
		dcganInit(rng, d.conv[i].W, d.conv[i].B)
		if i > 0 {
			d.bn[i-1] = newDCGANBatchNorm(rng, outs[i])
		}
	}
	d.dense = nn.NewLinear(rng, outs[n-1]*16, 1, true)
	dcganInit(rng, d.dense.W, d.dense.B)
	return d, nil
}

// Kind is "dcgan-discriminator".
func (d *Discriminator) Kind() string { return "dcgan-discriminator" }

// Forward maps images x (N x Channels x Size x Size, values in [-1, 1])
// to logits N x 1.
func (d *Discriminator) Forward(tp *tensor.Tape, x *tensor.Tensor) *tensor.Tensor {
	size := d.cfg.ImageSize()
	checkInput("DCGAN discriminator", x, d.cfg.Channels, size, size)
	h := tensor.LeakyReLU(tp, d.conv[0].Forward(tp, x), 0.2)
	for i := 1; i < 4-d.cfg.first(); i++ {
		h = d.bn[i-1].ForwardLeakyReLU(tp, d.conv[i].Forward(tp, h), 0.2)
	}
	return d.dense.Forward(tp, tensor.Reshape(tp, h, x.Dim(0), -1))
}

// Params returns the parameters: per level the convolution and its batch
// norm, then the dense layer.
func (d *Discriminator) Params() []nn.Param {
	var ps []nn.Param
	for i := range 4 - d.cfg.first() {
		ps = append(ps, nn.Prefixed(fmt.Sprintf("conv%d", i), d.conv[i].Params())...)
		if i > 0 {
			ps = append(ps, nn.Prefixed(fmt.Sprintf("bn%d", i), d.bn[i-1].Params())...)
		}
	}
	return append(ps, nn.Prefixed("dense", d.dense.Params())...)
}

func (d *Discriminator) config() any         { return d.cfg }
func (d *Discriminator) buffers() []nn.Param { return nil }

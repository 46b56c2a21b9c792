package selfdeblur

import (
	"fmt"
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// SkipConfig describes the deep-image-prior "skip" encoder-decoder that
// generates the image. Down, Up and Skip list the channels of each level,
// level 0 being full resolution; all three have one entry per level.
type SkipConfig struct {
	InChannels   int   // channels of the input noise zx
	OutChannels  int   // channels of the generated image
	Down, Up     []int // channels of the deeper branch and of the join
	Skip         []int // channels of the skip branch (0: no skip at that level)
	NonLocalFrom int   // first level with a non-local block; >= len(Down) for none
	Slope        float32
	Logits       bool // leave out the final sigmoid (for a softmax applied by the caller)
}

// PaperSkip is Gx as SelfDeblur specifies it: 5 levels of 128 channels with
// 16-channel skips, non-local blocks at levels 3-5 (1/8 to 1/32 scale),
// LeakyReLU(0.2), 8 input channels, one output channel.
func PaperSkip() SkipConfig { return UniformSkip(128, 16) }

// UniformSkip is the paper's architecture with every 128 replaced by width
// and every 16 by skip.
func UniformSkip(width, skip int) SkipConfig {
	c := SkipConfig{InChannels: 8, OutChannels: 1, NonLocalFrom: 2, Slope: 0.2}
	for i := 0; i < 5; i++ {
		c.Down = append(c.Down, width)
		c.Up = append(c.Up, width)
		c.Skip = append(c.Skip, skip)
	}
	return c
}

// Validate reports configuration mistakes.
func (c SkipConfig) Validate() error {
	if len(c.Down) == 0 || len(c.Up) != len(c.Down) || len(c.Skip) != len(c.Down) {
		return fmt.Errorf("selfdeblur: skip network needs equal, non-empty channel lists (down %d, up %d, skip %d)", len(c.Down), len(c.Up), len(c.Skip))
	}
	if c.InChannels < 1 || c.OutChannels < 1 {
		return fmt.Errorf("selfdeblur: skip network needs input and output channels")
	}
	return nil
}

// Skip is the image generator network.
type Skip struct {
	cfg    SkipConfig
	levels []*skipLevel
	out    *nn.Conv2d
}

type skipLevel struct {
	skipConv          *nn.Conv2d // nil without skip branch
	skipBN            *nn.BatchNorm2d
	downConv, conv    *nn.Conv2d
	bn1, bn2          *nn.BatchNorm2d
	nonLocal          *nn.NonLocal // nil below NonLocalFrom
	joinBN            *nn.BatchNorm2d
	joinConv, join1x1 *nn.Conv2d
	joinBN1, joinBN2  *nn.BatchNorm2d
}

// NewSkip builds the network with PyTorch-default initialisation from rng.
func NewSkip(rng *rand.Rand, c SkipConfig) (*Skip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	s := &Skip{cfg: c}
	in := c.InChannels
	last := len(c.Down) - 1
	for i := range c.Down {
		l := &skipLevel{}
		if c.Skip[i] > 0 {
			l.skipConv = nn.NewConv2d(rng, in, c.Skip[i], 1, 1, true, nn.ReflectPad)
			l.skipBN = nn.NewBatchNorm2d(c.Skip[i])
		}
		l.downConv = nn.NewConv2d(rng, in, c.Down[i], 3, 2, true, nn.ReflectPad)
		l.bn1 = nn.NewBatchNorm2d(c.Down[i])
		if i >= c.NonLocalFrom {
			l.nonLocal = nn.NewNonLocal(rng, c.Down[i], c.Down[i]/2)
		}
		l.conv = nn.NewConv2d(rng, c.Down[i], c.Down[i], 3, 1, true, nn.ReflectPad)
		l.bn2 = nn.NewBatchNorm2d(c.Down[i])
		deeper := c.Down[i]
		if i < last {
			deeper = c.Up[i+1]
		}
		l.joinBN = nn.NewBatchNorm2d(c.Skip[i] + deeper)
		l.joinConv = nn.NewConv2d(rng, c.Skip[i]+deeper, c.Up[i], 3, 1, true, nn.ReflectPad)
		l.joinBN1 = nn.NewBatchNorm2d(c.Up[i])
		l.join1x1 = nn.NewConv2d(rng, c.Up[i], c.Up[i], 1, 1, true, nn.ReflectPad)
		l.joinBN2 = nn.NewBatchNorm2d(c.Up[i])
		s.levels = append(s.levels, l)
		in = c.Down[i]
	}
	s.out = nn.NewConv2d(rng, c.Up[0], c.OutChannels, 1, 1, true, nn.ReflectPad)
	return s, nil
}

// Config returns the network's configuration.
func (s *Skip) Config() SkipConfig { return s.cfg }

// Forward generates images (N x Out x H x W, values in (0, 1)) from the noise
// z (N x In x H x W). H and W must be large enough for every level to keep at
// least 4 x 4 samples where non-local blocks pool.
func (s *Skip) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	y := s.out.Forward(tp, s.level(tp, 0, z))
	if s.cfg.Logits {
		return y
	}
	return tensor.Sigmoid(tp, y)
}

// MinSize returns the smallest input height and width the network accepts:
// every level halves the size (rounding up), reflection padding needs at
// least 2 samples and a non-local block's 2x2 pooling needs at least 2.
func (c SkipConfig) MinSize() int {
	for s := 2; ; s++ {
		if c.fits(s) {
			return s
		}
	}
}

func (c SkipConfig) fits(s int) bool {
	for range c.Down {
		s = (s + 1) / 2
		if s < 2 {
			return false
		}
	}
	return true
}

func (s *Skip) level(tp *tensor.Tape, i int, u *tensor.Tensor) *tensor.Tensor {
	l, a := s.levels[i], s.cfg.Slope
	d := l.bn1.ForwardLeakyReLU(tp, l.downConv.Forward(tp, u), a)
	if l.nonLocal != nil {
		d = l.nonLocal.Forward(tp, d)
	}
	d = l.bn2.ForwardLeakyReLU(tp, l.conv.Forward(tp, d), a)
	if i+1 < len(s.levels) {
		d = s.level(tp, i+1, d)
	}
	d = tensor.UpsampleBilinear2x(tp, d)
	j := d
	if l.skipConv != nil {
		j = tensor.ConcatCrop(tp, l.skipBN.ForwardLeakyReLU(tp, l.skipConv.Forward(tp, u), a), d)
	}
	j = l.joinBN.Forward(tp, j)
	j = l.joinBN1.ForwardLeakyReLU(tp, l.joinConv.Forward(tp, j), a)
	return l.joinBN2.ForwardLeakyReLU(tp, l.join1x1.Forward(tp, j), a)
}

// Params returns every parameter, named as in the golden reference
// (L<level>.skip.conv.weight, ..., out.conv1x1.bias; levels count from 1).
func (s *Skip) Params() []nn.Param {
	var ps []nn.Param
	add := func(prefix string, p []nn.Param) { ps = append(ps, nn.Prefixed(prefix, p)...) }
	for i, l := range s.levels {
		L := fmt.Sprintf("L%d.", i+1)
		if l.skipConv != nil {
			add(L+"skip.conv", l.skipConv.Params())
			add(L+"skip.bn", l.skipBN.Params())
		}
		add(L+"down.conv_s2", l.downConv.Params())
		add(L+"down.bn1", l.bn1.Params())
		if l.nonLocal != nil {
			add(L+"down.nonlocal", l.nonLocal.Params())
		}
		add(L+"down.conv", l.conv.Params())
		add(L+"down.bn2", l.bn2.Params())
		add(L+"join.bn", l.joinBN.Params())
		add(L+"join.conv3x3", l.joinConv.Params())
		add(L+"join.bn1", l.joinBN1.Params())
		add(L+"join.conv1x1", l.join1x1.Params())
		add(L+"join.bn2", l.joinBN2.Params())
	}
	add("out.conv1x1", s.out.Params())
	return ps
}

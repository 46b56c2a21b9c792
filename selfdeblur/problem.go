package selfdeblur

import (
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// problem holds the state of one SelfDeblur optimisation.
type problem struct {
	s           Settings
	y           *tensor.Tensor // 1 x 1 x H x W
	zx, zxNoisy *tensor.Tensor
	gx          *Skip
	gk          kernelGen
	optX, optK  *nn.Adam // Joint uses optX for both groups
	tp          *tensor.Tape
	rng         *rand.Rand
	h, w        int
	good        []float32 // parameters of the last finite iteration
	params      []*tensor.Tensor
}

func newProblem(y *plane.Plane, s Settings) (*problem, error) {
	rng := nn.NewRand(s.Seed)
	k := s.KernelSize
	p := &problem{s: s, h: y.H, w: y.W, tp: tensor.NewTape(), rng: rng}
	p.y = tensor.New(1, 1, y.H, y.W)
	for i, v := range y.Pix {
		p.y.Data[i] = float32(v)
	}
	p.zx = tensor.New(1, s.Gx.InChannels, y.H+k-1, y.W+k-1)
	nn.Uniform(rng, p.zx, 0, 0.1)
	p.zxNoisy = tensor.New(p.zx.Shape()...)
	var err error
	if p.gx, err = NewSkip(rng, s.Gx); err != nil {
		return nil, err
	}
	if p.gk, err = newKernelGen(rng, s.KernelNet, k, s.KernelDecoder); err != nil {
		return nil, err
	}
	px, pk := nn.Tensors(p.gx.Params()), nn.Tensors(p.gk.Params())
	p.params = append(append([]*tensor.Tensor{}, px...), pk...)
	if s.Solver == Joint {
		p.optX = nn.NewAdam(nn.Group{Params: px, LR: s.LRImage}, nn.Group{Params: pk, LR: s.LRKernel})
	} else {
		p.optX = nn.NewAdam(nn.Group{Params: px, LR: s.LRImage})
		p.optK = nn.NewAdam(nn.Group{Params: pk, LR: s.LRKernel})
	}
	return p, nil
}

// objective records the loss of the current networks on the perturbed input.
func (p *problem) objective(useSSIM bool, tvWeight float32) *tensor.Tensor {
	tp := p.tp
	x := p.gx.Forward(tp, p.zxNoisy)
	yhat := tensor.Conv2D(tp, x, p.gk.Forward(tp), nil, 1, 0)
	switch {
	case useSSIM:
		return tensor.SSIMLoss(tp, yhat, p.y)
	case p.s.Loss == LossPaper && tvWeight > 0:
		return tensor.Add(tp, tensor.MSE(tp, yhat, p.y), tensor.Scale(tp, tensor.TV(tp, x), tvWeight))
	default:
		return tensor.MSE(tp, yhat, p.y)
	}
}

// step runs iteration it at learning-rate factor lr and returns the loss.
func (p *problem) step(it int, lr float64, useSSIM bool, tvWeight float32) float64 {
	for i, v := range p.zx.Data {
		p.zxNoisy.Data[i] = v + float32(p.s.InputNoise*p.rng.NormFloat64())
	}
	run := func(opt *nn.Adam) float64 {
		p.tp.Reset()
		for _, t := range p.params {
			t.ZeroGrad()
		}
		loss := p.objective(useSSIM, tvWeight)
		if err := p.tp.Backward(loss); err != nil {
			panic(err) // the loss always depends on the parameters
		}
		opt.Step(lr)
		return float64(loss.Item())
	}
	if p.s.Solver == Alternating {
		run(p.optK)
	}
	return run(p.optX)
}

// snapshot keeps the parameters of the last iteration whose loss was finite.
func (p *problem) snapshot() {
	p.good = p.good[:0]
	for _, t := range p.params {
		p.good = append(p.good, t.Data...)
	}
}

// finish restores the last finite parameters and fills in the image and
// kernel from the unperturbed input.
func (p *problem) finish(res *Result) {
	if len(p.good) > 0 {
		off := 0
		for _, t := range p.params {
			off += copy(t.Data, p.good[off:off+t.Len()])
		}
	}
	p.tp.Reset()
	x := p.gx.Forward(nil, p.zx)
	corr := p.gk.Forward(nil)
	k := p.s.KernelSize
	ext := plane.New(x.Dim(3), x.Dim(2))
	for i, v := range x.Data {
		ext.Pix[i] = float64(v)
	}
	res.Extended = ext
	res.Image = ext.CropCenter(p.w, p.h)
	kc := plane.New(k, k)
	for i, v := range corr.Data {
		kc.Pix[i] = float64(v)
	}
	res.Kernel = kc.Rot180()
}

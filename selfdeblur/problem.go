package selfdeblur

import (
	"math/rand/v2"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// problem holds the state of one SelfDeblur optimisation.
type problem struct {
	s          Settings
	stages     []*stage // coarse to fine; the one in use is the first whose until > iteration
	prev       *stage   // the stage of the previous iteration
	gx         *Skip
	gk         kernelGen
	optX, optK *nn.Adam // Joint uses optX for both groups
	tp         *tensor.Tape
	rng        *rand.Rand
	h, w       int
	good       []float32 // parameters of the last finite iteration
	params     []*tensor.Tensor
}

func newProblem(y *plane.Plane, s Settings) (*problem, error) {
	rng := nn.NewRand(s.Seed)
	k := s.KernelSize
	p := &problem{s: s, h: y.H, w: y.W, tp: tensor.NewTape(), rng: rng}
	p.tp.Threads = s.threads()
	p.tp.BF16 = s.BF16
	// The full-scale input is drawn first, as in a single-scale run, so
	// adding coarse stages does not change the weights' draws.
	full := newStage(rng, y, s, 1, s.Iterations)
	var err error
	if p.gx, err = NewSkip(rng, s.Gx); err != nil {
		return nil, err
	}
	if p.gk, err = newKernelGen(rng, s.KernelNet, k, s.KernelDecoder); err != nil {
		return nil, err
	}
	for _, sc := range s.Scales {
		p.stages = append(p.stages, newStage(rng, y, s, sc.Shrink, sc.Until))
	}
	if len(s.Scales) == 0 || s.Scales[len(s.Scales)-1].Until < s.Iterations {
		p.stages = append(p.stages, full)
	}
	px, pk := nn.Tensors(p.gx.Params()), nn.Tensors(p.gk.Params())
	p.params = append(append([]*tensor.Tensor{}, px...), pk...)
	if s.Solver == Joint {
		p.optX = nn.NewAdam(nn.Group{Params: px, LR: s.LRImage}, nn.Group{Params: pk, LR: s.LRKernel})
	} else {
		p.optX = nn.NewAdam(nn.Group{Params: px, LR: s.LRImage})
		p.optK = nn.NewAdam(nn.Group{Params: pk, LR: s.LRKernel})
	}
	p.snapshot() // a fit that diverges at its first step returns the initial state
	return p, nil
}

// newStage prepares y shrunk by shrink (1: y itself) for the iterations
// before until.
func newStage(rng *rand.Rand, y *plane.Plane, s Settings, shrink, until int) *stage {
	k := s.KernelSize
	st := &stage{until: until, kc: k, w: y.W, h: y.H}
	ys := y
	if shrink > 1 {
		f := 1 / float64(shrink)
		ys = y.Shrink(shrink)
		st.w, st.h, st.kc = ys.W, ys.H, coarseKernelSize(k, f)
		st.down = tensor.New(st.kc, k)
		for i, v := range resampleWeights(st.kc, k, f) {
			st.down.Data[i] = float32(v)
		}
	}
	st.y = tensor.New(1, 1, st.h, st.w)
	for i, v := range ys.Pix {
		st.y.Data[i] = float32(v)
	}
	st.zx = tensor.New(1, s.Gx.InChannels, st.h+st.kc-1, st.w+st.kc-1)
	nn.Uniform(rng, st.zx, 0, 0.1)
	st.zxNoisy = tensor.New(st.zx.Shape()...)
	return st
}

// stageAt returns the stage of iteration it.
func (p *problem) stageAt(it int) *stage {
	for _, st := range p.stages {
		if it < st.until {
			return st
		}
	}
	return p.stages[len(p.stages)-1]
}

// objective records the loss of the current networks on the perturbed
// input of stage st.
func (p *problem) objective(st *stage, useSSIM bool, tvWeight float32) *tensor.Tensor {
	tp := p.tp
	x := p.gx.Forward(tp, st.zxNoisy)
	loss := fitLoss(tp, blurBy(tp, x, st.kernel(tp, p.gk.Forward(tp))), st.y, useSSIM)
	if !useSSIM && p.s.Loss == LossMSETV && tvWeight > 0 {
		loss = tensor.Add(tp, loss, tensor.Scale(tp, tensor.TV(tp, x), tvWeight))
	}
	return loss
}

// fitLoss is the data term of the objective: 1 - SSIM between the
// re-blurred image yhat and y when useSSIM, otherwise their MSE.
func fitLoss(tp *tensor.Tape, yhat, y *tensor.Tensor, useSSIM bool) *tensor.Tensor {
	if useSSIM {
		return tensor.SSIMLoss(tp, yhat, y)
	}
	return tensor.MSE(tp, yhat, y)
}

// fftBlurTaps is the kernel area from which blur multiplies spectra
// (tensor.Conv2DFFT) instead of summing products (tensor.Conv2D): at
// Levin size, with one core, a forward and backward of the blur take
// 2.1 ms by sums and 3.8 ms by FFTs for an 11 x 11 kernel, 3.8 and 3.6 ms
// for 15 x 15, 16.2 and 3.4 ms for 31 x 31 (tensor's BenchmarkBlurDirect
// and BenchmarkBlurFFT).
const fftBlurTaps = 15 * 15

// blurBy returns x blurred by the correlation kernel k, 'valid' (Gk(zk) *
// Gx(zx) in the paper's notation), by whichever of the two equal
// computations is faster for k's size.
func blurBy(tp *tensor.Tape, x, k *tensor.Tensor) *tensor.Tensor {
	if k.Dim(2)*k.Dim(3) >= fftBlurTaps {
		return tensor.Conv2DFFT(tp, x, k)
	}
	return tensor.Conv2D(tp, x, k, nil, 1, 0)
}

// step runs iteration it at learning-rate factor lr and returns the loss.
func (p *problem) step(it int, lr float64, useSSIM bool, tvWeight float32) float64 {
	st := p.stageAt(it)
	if p.prev != nil && p.prev != st {
		carryInput(p.prev, st)
	}
	p.prev = st
	for i, v := range st.zx.Data {
		st.zxNoisy.Data[i] = v + float32(p.s.InputNoise*p.rng.NormFloat64())
	}
	run := func(opt *nn.Adam) float64 {
		p.tp.Reset()
		for _, t := range p.params {
			t.ZeroGrad()
		}
		loss := p.objective(st, useSSIM, tvWeight)
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
// kernel from the unperturbed input of the last stage. When that stage is
// coarse, Extended is at its scale and Image is upscaled to the input size.
func (p *problem) finish(res *Result) {
	restore(p.params, p.good)
	p.tp.Reset()
	res.Extended, res.Image, res.Kernel = p.outputs(p.stages[len(p.stages)-1])
}

// outputs runs the networks on stage st's unperturbed input: the image
// generator's whole output, its centre of the input's size, and the
// convolution kernel.
func (p *problem) outputs(st *stage) (ext, img, k *plane.Plane) {
	x := p.gx.Forward(nil, st.zx)
	corr := p.gk.Forward(nil)
	ext = plane.New(x.Dim(3), x.Dim(2))
	for i, v := range x.Data {
		ext.Pix[i] = float64(v)
	}
	img = ext.CropCenter(st.w, st.h)
	if st.w != p.w || st.h != p.h {
		img = upscale(img, p.w, p.h)
	}
	kc := plane.New(p.s.KernelSize, p.s.KernelSize)
	for i, v := range corr.Data {
		kc.Pix[i] = float64(v)
	}
	return ext, img, kc.Rot180()
}

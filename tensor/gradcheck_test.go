package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randTensor returns a tensor of uniform values in [lo, hi).
func randTensor(rng *rand.Rand, lo, hi float32, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = lo + (hi-lo)*rng.Float32()
	}
	return t
}

func randParam(rng *rand.Rand, lo, hi float32, shape ...int) *Tensor {
	t := randTensor(rng, lo, hi, shape...)
	t.SetRequiresGrad(true)
	return t
}

// weightedSum records loss = sum(out * w) on tp, w fixed: a scalar whose
// gradient with respect to out is w, so every output element is checked.
func weightedSum(tp *Tape, out *Tensor, w []float64) *Tensor {
	loss := tp.result([]int{1}, out)
	s := 0.0
	for i, v := range out.Data {
		s += float64(v) * w[i]
	}
	loss.Data[0] = float32(s)
	tp.record(loss, func() {
		g := tp.grad(out)
		for i := range g {
			g[i] += loss.Grad[0] * float32(w[i])
		}
	})
	return loss
}

// checkGrad compares the tape's gradients of sum(f(inputs) * w) against
// central finite differences for up to 40 entries of every input that
// requires gradients. The loss is evaluated in float64 from the float32
// forward pass; tol is relative to the largest analytic gradient of each
// input.
func checkGrad(t *testing.T, name string, inputs []*Tensor, f func(tp *Tape) *Tensor, eps, tol float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	out := f(nil)
	w := make([]float64, out.Len())
	for i := range w {
		w[i] = rng.Float64()*2 - 1
	}
	eval := func() float64 {
		o := f(nil)
		s := 0.0
		for i, v := range o.Data {
			s += float64(v) * w[i]
		}
		return s
	}
	for _, in := range inputs {
		if in.requiresGrad {
			in.ZeroGrad()
		}
	}
	tp := NewTape()
	loss := weightedSum(tp, f(tp), w)
	if err := tp.Backward(loss); err != nil {
		t.Fatalf("%s: backward: %v", name, err)
	}
	for k, in := range inputs {
		if !in.requiresGrad {
			continue
		}
		scale := 0.0
		for _, g := range in.Grad {
			scale = math.Max(scale, math.Abs(float64(g)))
		}
		scale = math.Max(scale, 1e-3)
		idx := rng.Perm(in.Len())
		if len(idx) > 40 {
			idx = idx[:40]
		}
		for _, i := range idx {
			old := in.Data[i]
			in.Data[i] = old + float32(eps)
			up := eval()
			in.Data[i] = old - float32(eps)
			down := eval()
			in.Data[i] = old
			num := (up - down) / (2 * eps)
			ana := float64(in.Grad[i])
			if math.Abs(num-ana) > tol*scale {
				t.Errorf("%s: input %d entry %d: analytic %.6g, numeric %.6g (scale %.3g)", name, k, i, ana, num, scale)
				return
			}
		}
	}
}

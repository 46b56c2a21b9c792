package tensor

import (
	"fmt"
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
// central finite differences (see gradErr) and fails the test on the first
// mismatch.
func checkGrad(t *testing.T, name string, inputs []*Tensor, f func(tp *Tape) *Tensor, eps, tol float64) {
	t.Helper()
	if err := gradErr(inputs, f, eps, tol); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

// gradErr compares the tape's gradients of sum(f(inputs) * w), w a fixed
// random vector, against central finite differences for up to 40 entries of
// every input that requires gradients. The loss is evaluated in float64 from
// the float32 forward pass; tol is relative to the largest analytic gradient
// of each input. It returns nil when every checked entry agrees, otherwise
// an error describing the first mismatch.
func gradErr(inputs []*Tensor, f func(tp *Tape) *Tensor, eps, tol float64) error {
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
		return fmt.Errorf("backward: %w", err)
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
			if math.IsNaN(ana) || math.IsNaN(num) || math.Abs(num-ana) > tol*scale {
				return fmt.Errorf("input %d entry %d: analytic %.6g, numeric %.6g (scale %.3g)", k, i, ana, num, scale)
			}
		}
	}
	return nil
}

// scaledBackward is a deliberately broken op: its forward is x * x, its
// backward claims factor times the true gradient 2x.
func scaledBackward(tp *Tape, x *Tensor, factor float32) *Tensor {
	out := tp.result(x.shape, x)
	for i, v := range x.Data {
		out.Data[i] = v * v
	}
	tp.record(out, func() {
		gx := tp.grad(x)
		for i, g := range out.Grad {
			gx[i] += factor * 2 * x.Data[i] * g
		}
	})
	return out
}

// TestGradErrDetectsWrongBackward guards the gradient checker itself: a
// backward off by 10% must be reported, a correct one must pass, with the
// eps and tol the op tests use.
func TestGradErrDetectsWrongBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randParam(rng, -1, 1, 2, 3, 4)
	for _, tc := range []struct{ eps, tol float64 }{{1e-2, 1e-3}, {1e-2, 2e-3}, {1e-2, 1e-2}, {1e-3, 2e-2}} {
		f := func(factor float32) func(tp *Tape) *Tensor {
			return func(tp *Tape) *Tensor { return scaledBackward(tp, x, factor) }
		}
		if err := gradErr([]*Tensor{x}, f(1), tc.eps, tc.tol); err != nil {
			t.Errorf("eps %g tol %g: correct backward rejected: %v", tc.eps, tc.tol, err)
		}
		if err := gradErr([]*Tensor{x}, f(1.1), tc.eps, tc.tol); err == nil {
			t.Errorf("eps %g tol %g: backward off by 10%% not detected", tc.eps, tc.tol)
		}
	}
	// A backward that forgets an input entirely must be caught too.
	if err := gradErr([]*Tensor{x}, zeroBackward(x), 1e-2, 1e-2); err == nil {
		t.Error("missing gradient not detected")
	}
}

// zeroBackward returns an op computing x * x whose backward adds nothing.
func zeroBackward(x *Tensor) func(tp *Tape) *Tensor {
	return func(tp *Tape) *Tensor { return scaledBackward(tp, x, 0) }
}

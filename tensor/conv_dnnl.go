package tensor

import (
	"github.com/deblur/deblur/internal/dnnl"
	"github.com/deblur/deblur/internal/vec"
)

// convKey identifies one convolution planned on oneDNN: its shape, the
// thread count (oneDNN fixes it in the plan) and the precision.
type convKey struct {
	n, cin, h, w, cout, kh, kw, stride, pad, threads int
	bias, bf16                                       bool
}

// dnnlConv returns the oneDNN plan for a convolution, or nil when Conv2D
// should use its BLAS path: in a build without oneDNN, for a shape oneDNN
// has no implementation for, and for 1x1 kernels (a 1x1 convolution is one
// GEMM already, and the per-call reorders to oneDNN's blocked layouts made
// them up to 5x slower at the networks' sizes). A tape keeps its plans
// across Reset, so a fit plans each shape once; a nil tape plans every
// call.
func (tp *Tape) dnnlConv(k convKey) *dnnl.Conv {
	if !dnnl.Available() || k.kh*k.kw == 1 {
		return nil
	}
	if tp != nil {
		if cv, ok := tp.convs[k]; ok {
			return cv
		}
	}
	cv, err := dnnl.NewConv(k.n, k.cin, k.h, k.w, k.cout, k.kh, k.kw, k.stride, k.pad, k.threads, k.bias, k.bf16)
	if err != nil {
		cv = nil
	}
	if tp != nil {
		if tp.convs == nil {
			tp.convs = map[convKey]*dnnl.Conv{}
		}
		tp.convs[k] = cv
	}
	return cv
}

// convDNNL is Conv2D on a oneDNN plan: the input is padded by the
// primitive itself, and gradients of tensors that had none yet are
// written in place (others get the product added).
func convDNNL(tp *Tape, cv *dnnl.Conv, x, w, b *Tensor, stride, pad int) *Tensor {
	n, _, h, wd := dims4("Conv2D", x)
	cout, _, kh, kw := dims4("Conv2D weight", w)
	ho, wo := (h+2*pad-kh)/stride+1, (wd+2*pad-kw)/stride+1
	out := tp.result([]int{n, cout, ho, wo}, x, w, b)
	var bias []float32
	if b != nil {
		bias = b.Data
	}
	scratch, keep := tp.alloc(cv.ScratchLen()), tp.alloc(cv.KeepLen())
	cv.Forward(x.Data, w.Data, bias, out.Data, scratch, keep)
	tp.release(scratch)
	tp.record(out, func() {
		dx, addX := tp.gradTarget(x)
		dw, addW := tp.gradTarget(w)
		var db []float32
		addB := false
		if b != nil && dw != nil {
			db, addB = tp.gradTarget(b)
			if db == nil {
				db = tp.alloc(cout)
				defer tp.release(db)
			}
		}
		if dx != nil || dw != nil {
			scratch := tp.alloc(cv.ScratchLen())
			cv.Backward(x.Data, w.Data, out.Grad, dx, dw, db, scratch, keep)
			tp.release(scratch)
		}
		tp.addGrad(x, dx, addX)
		tp.addGrad(w, dw, addW)
		tp.addGrad(b, db, addB)
		if gb := tp.grad(b); gb != nil && dw == nil {
			// Only the bias needs a gradient: its sums over the output.
			hw := ho * wo
			for s := 0; s < n; s++ {
				sumRows(gb, out.Grad[s*cout*hw:(s+1)*cout*hw], hw)
			}
		}
	})
	return out
}

// gradTarget returns where an op should write t's gradient: t's own new
// gradient buffer when t had none yet (add false: write it whole), or a
// scratch buffer whose values the op must then add to t.Grad (add true,
// see addGrad). It returns nil for tensors that need no gradient.
func (tp *Tape) gradTarget(t *Tensor) (buf []float32, add bool) {
	g, fresh := tp.freshGrad(t)
	if g == nil || fresh {
		return g, false
	}
	return tp.alloc(len(t.Data)), true
}

// addGrad adds a scratch buffer from gradTarget to t.Grad and releases it.
func (tp *Tape) addGrad(t *Tensor, buf []float32, add bool) {
	if !add {
		return
	}
	vec.Accumulate(t.Grad, buf)
	tp.release(buf)
}

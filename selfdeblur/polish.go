package selfdeblur

import (
	"context"
	"math"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// polish runs n Adam steps of Gk alone at learning rate lr on the objective
// (1 - SSIM when useSSIM, otherwise MSE) of the kernel against the image
// frozen at Gx's unperturbed output on the last stage, and returns the
// objective of the kernel it leaves (n = 0 only measures it; NaN when the
// first objective is not finite). A step that makes the objective
// non-finite is undone and ends the polish; a cancelled context stops it
// before its next step.
func (p *problem) polish(ctx context.Context, n int, lr float64, useSSIM bool) float64 {
	st := p.stages[len(p.stages)-1]
	x := p.gx.Forward(nil, st.zx) // a constant: no gradient flows into Gx
	pk := nn.Tensors(p.gk.Params())
	opt := nn.NewAdam(nn.Group{Params: pk, LR: lr})
	keep := make([]float32, 0, paramsLen(pk))
	last := math.NaN()
	for i := 0; ; i++ {
		p.tp.Reset()
		for _, t := range pk {
			t.ZeroGrad()
		}
		loss := fitLoss(p.tp, blurBy(p.tp, x, st.kernel(p.tp, p.gk.Forward(p.tp))), st.y, useSSIM)
		v := float64(loss.Item())
		if math.IsNaN(v) || math.IsInf(v, 0) {
			restore(pk, keep) // the kernel of the last finite objective
			break
		}
		last = v
		if i == n || ctx.Err() != nil {
			break
		}
		keep = keep[:0]
		for _, t := range pk {
			keep = append(keep, t.Data...)
		}
		if err := p.tp.Backward(loss); err != nil {
			panic(err) // the loss always depends on Gk
		}
		opt.Step(1)
	}
	p.tp.Reset()
	return last
}

func paramsLen(ts []*tensor.Tensor) int {
	n := 0
	for _, t := range ts {
		n += t.Len()
	}
	return n
}

// restore copies saved (the concatenated data of ts) back into ts; it does
// nothing when saved is empty.
func restore(ts []*tensor.Tensor, saved []float32) {
	if len(saved) == 0 {
		return
	}
	off := 0
	for _, t := range ts {
		off += copy(t.Data, saved[off:off+t.Len()])
	}
}

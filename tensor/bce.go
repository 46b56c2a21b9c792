package tensor

import (
	"fmt"
	"math"
)

// BCEWithLogits is PyTorch's binary_cross_entropy_with_logits with mean
// reduction: for logits x and targets t of the same shape (t usually in
// [0, 1]) it returns the mean over all elements of
//
//	-(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) = max(x, 0) - x t + log(1 + e^-|x|),
//
// the right-hand form being exact and free of overflow for any finite x.
// The gradient is (sigmoid(x) - t) / n for the logits and -x / n for the
// targets (when they require gradients). x must not be empty.
func BCEWithLogits(tp *Tape, logits, target *Tensor) *Tensor {
	if !sameShape(logits.shape, target.shape) {
		panic(fmt.Sprintf("tensor: BCEWithLogits of shapes %v and %v", logits.shape, target.shape))
	}
	if logits.Len() == 0 {
		panic("tensor: BCEWithLogits of an empty tensor")
	}
	out := tp.result([]int{1}, logits, target)
	s := 0.0
	for i, v := range logits.Data {
		x, t := float64(v), float64(target.Data[i])
		s += math.Max(x, 0) - x*t + math.Log1p(math.Exp(-math.Abs(x)))
	}
	n := float64(logits.Len())
	out.Data[0] = float32(s / n)
	tp.record(out, func() {
		gx, gt := tp.grad(logits), tp.grad(target)
		k := float64(out.Grad[0]) / n
		for i, v := range logits.Data {
			x := float64(v)
			if gx != nil {
				gx[i] += float32(k * (1/(1+math.Exp(-x)) - float64(target.Data[i])))
			}
			if gt != nil {
				gt[i] -= float32(k * x)
			}
		}
	})
	return out
}

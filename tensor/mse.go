package tensor

import "fmt"

// MSE returns mean((a - b)^2) as a one-element tensor; gradients flow to
// both a and b.
func MSE(tp *Tape, a, b *Tensor) *Tensor {
	if !sameShape(a.shape, b.shape) {
		panic(fmt.Sprintf("tensor: MSE of shapes %v and %v", a.shape, b.shape))
	}
	out := tp.result([]int{1}, a, b)
	s := 0.0
	for i, v := range a.Data {
		d := float64(v - b.Data[i])
		s += d * d
	}
	n := float32(len(a.Data))
	out.Data[0] = float32(s / float64(len(a.Data)))
	tp.record(out, func() {
		ga, gb := tp.grad(a), tp.grad(b)
		k := 2 * out.Grad[0] / n
		for i, v := range a.Data {
			d := k * (v - b.Data[i])
			if ga != nil {
				ga[i] += d
			}
			if gb != nil {
				gb[i] -= d
			}
		}
	})
	return out
}

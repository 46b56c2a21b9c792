package tensor

import "fmt"

// NormalizeSum divides every sample of x (the slices along the first
// dimension) by its sum plus eps: out[i] = x[i] / (sum(x[i]) + eps). For
// non-negative samples, such as blur kernels, each output sums to 1 up to
// eps; eps > 0 keeps an all-zero sample finite (it stays zero). Sums are
// accumulated in float64.
func NormalizeSum(tp *Tape, x *Tensor, eps float32) *Tensor {
	if len(x.shape) < 1 || x.shape[0] == 0 {
		panic(fmt.Sprintf("tensor: NormalizeSum of shape %v", x.shape))
	}
	n := x.shape[0]
	m := x.Len() / n
	out := tp.result(x.shape, x)
	inv := make([]float64, n) // 1 / (sum + eps) per sample
	for i := range inv {
		s := 0.0
		for _, v := range x.Data[i*m : (i+1)*m] {
			s += float64(v)
		}
		inv[i] = 1 / (s + float64(eps))
		dst := out.Data[i*m : (i+1)*m]
		for j, v := range x.Data[i*m : (i+1)*m] {
			dst[j] = float32(float64(v) * inv[i])
		}
	}
	tp.record(out, func() {
		gx := tp.grad(x)
		// d out_j / d x_k = (delta_jk - out_j) / (sum + eps).
		for i, iv := range inv {
			g, o := out.Grad[i*m:(i+1)*m], out.Data[i*m:(i+1)*m]
			dot := 0.0
			for j, v := range g {
				dot += float64(v) * float64(o[j])
			}
			dst := gx[i*m : (i+1)*m]
			for j, v := range g {
				dst[j] += float32((float64(v) - dot) * iv)
			}
		}
	})
	return out
}

package tensor

import "math"

// unary applies f elementwise; df gives the derivative from the input value
// v and the output value y.
func unary(tp *Tape, x *Tensor, f func(v float32) float32, df func(v, y float32) float32) *Tensor {
	out := tp.result(x.shape, x)
	parallelFor(len(x.Data), 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out.Data[i] = f(x.Data[i])
		}
	})
	tp.record(out, func() {
		gx := tp.grad(x)
		parallelFor(len(x.Data), 8, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				gx[i] += out.Grad[i] * df(x.Data[i], out.Data[i])
			}
		})
	})
	return out
}

// LeakyReLU returns x where x > 0 and slope*x elsewhere.
func LeakyReLU(tp *Tape, x *Tensor, slope float32) *Tensor {
	return unary(tp, x, func(v float32) float32 {
		if v > 0 {
			return v
		}
		return slope * v
	}, func(v, _ float32) float32 {
		if v > 0 {
			return 1
		}
		return slope
	})
}

// ReLU returns max(x, 0).
func ReLU(tp *Tape, x *Tensor) *Tensor { return LeakyReLU(tp, x, 0) }

// ReLU6 returns min(max(x, 0), 6); its gradient is 1 strictly inside (0, 6).
func ReLU6(tp *Tape, x *Tensor) *Tensor {
	return unary(tp, x, func(v float32) float32 {
		return min(max(v, 0), 6)
	}, func(v, _ float32) float32 {
		if v > 0 && v < 6 {
			return 1
		}
		return 0
	})
}

// Sigmoid returns 1 / (1 + exp(-x)).
func Sigmoid(tp *Tape, x *Tensor) *Tensor {
	return unary(tp, x, func(v float32) float32 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}, func(_, y float32) float32 { return y * (1 - y) })
}

// Tanh returns the hyperbolic tangent of x.
func Tanh(tp *Tape, x *Tensor) *Tensor {
	return unary(tp, x, func(v float32) float32 {
		return float32(math.Tanh(float64(v)))
	}, func(_, y float32) float32 { return 1 - y*y })
}

// Exp returns e^x elementwise (computed in float64; large x overflows to
// +Inf as in PyTorch).
func Exp(tp *Tape, x *Tensor) *Tensor {
	return unary(tp, x, func(v float32) float32 {
		return float32(math.Exp(float64(v)))
	}, func(_, y float32) float32 { return y })
}

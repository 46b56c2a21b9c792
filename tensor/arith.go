package tensor

import "fmt"

// Broadcasting of the binary ops Add, Sub and Mul. The result always has
// the shape of the first operand a; the second operand b may be
//
//   - the same shape as a (plain elementwise op);
//   - per-channel: shape [C], [C, 1, 1] or [1, C, 1, 1] where C = a.Dim(1)
//     and a has at least two dimensions; b[c] applies to every element of
//     channel c, i.e. PyTorch's a op b.view(1, C, 1, ..., 1). (For a 2-D
//     a, N x C, this is ordinary PyTorch broadcasting of a [C] vector; for
//     N x C x H x W note that PyTorch itself would align a bare [C] with W,
//     so the golden equivalent is b.view(1, C, 1, 1).)
//   - a single value (any shape with one element): PyTorch's tensor-scalar
//     broadcast.
//
// Anything else panics. Same-shape wins over the other readings, and
// per-channel over single-value when both apply (they then agree).
type bcastKind int

const (
	bcastSame bcastKind = iota
	bcastChannel
	bcastScalar
)

// broadcastOf classifies b against a and returns the layout of a as
// outer x c x inner blocks, b holding one value per c (c = 1 for a scalar).
func broadcastOf(op string, a, b *Tensor) (kind bcastKind, outer, c, inner int) {
	if sameShape(a.shape, b.shape) {
		return bcastSame, 1, 1, a.Len()
	}
	if len(a.shape) >= 2 && b.Len() == a.shape[1] && channelShape(b.shape) {
		c = a.shape[1]
		inner = 1
		for _, d := range a.shape[2:] {
			inner *= d
		}
		return bcastChannel, a.shape[0], c, inner
	}
	if b.Len() == 1 {
		return bcastScalar, 1, 1, a.Len()
	}
	panic(fmt.Sprintf("tensor: %s cannot broadcast shape %v onto %v (supported: same shape, per-channel [C], [C,1,1] or [1,C,1,1], or one value)", op, b.shape, a.shape))
}

// channelShape reports whether s is [C], [C, 1, 1] or [1, C, 1, 1].
func channelShape(s []int) bool {
	switch len(s) {
	case 1:
		return true
	case 3:
		return s[1] == 1 && s[2] == 1
	case 4:
		return s[0] == 1 && s[2] == 1 && s[3] == 1
	}
	return false
}

type arithOp int

const (
	arithAdd arithOp = iota
	arithSub
	arithMul
)

// Add returns a + b elementwise with the shape of a; b may be broadcast as
// described at bcastKind (same shape, per-channel, or one value).
func Add(tp *Tape, a, b *Tensor) *Tensor { return arithBinary(tp, "Add", arithAdd, a, b) }

// Sub returns a - b elementwise with the shape of a; b may be broadcast as
// described at bcastKind (same shape, per-channel, or one value).
func Sub(tp *Tape, a, b *Tensor) *Tensor { return arithBinary(tp, "Sub", arithSub, a, b) }

// Mul returns a * b elementwise (Hadamard product) with the shape of a; b
// may be broadcast as described at bcastKind (same shape, per-channel, or
// one value).
func Mul(tp *Tape, a, b *Tensor) *Tensor { return arithBinary(tp, "Mul", arithMul, a, b) }

func arithBinary(tp *Tape, name string, op arithOp, a, b *Tensor) *Tensor {
	kind, outer, c, inner := broadcastOf(name, a, b)
	out := tp.result(a.shape, a, b)
	// bval returns the value of a broadcast b for channel ch.
	bval := func(ch int) float32 {
		if kind == bcastScalar {
			return b.Data[0]
		}
		return b.Data[ch]
	}
	if kind == bcastSame {
		parallelFor(a.Len(), 1, func(lo, hi int) {
			arithSeg(op, out.Data[lo:hi], a.Data[lo:hi], b.Data[lo:hi])
		})
	} else {
		parallelFor(outer*c, inner, func(lo, hi int) {
			for blk := lo; blk < hi; blk++ {
				s := a.Data[blk*inner : (blk+1)*inner]
				arithScalarSeg(op, out.Data[blk*inner:(blk+1)*inner], s, bval(blk%c))
			}
		})
	}
	tp.record(out, func() {
		ga, gb := tp.grad(a), tp.grad(b)
		g := out.Grad
		if ga != nil {
			if op == arithMul {
				if kind == bcastSame {
					parallelFor(len(g), 1, func(lo, hi int) {
						for i, v := range g[lo:hi] {
							ga[lo+i] += v * b.Data[lo+i]
						}
					})
				} else {
					parallelFor(outer*c, inner, func(lo, hi int) {
						for blk := lo; blk < hi; blk++ {
							bv, dst := bval(blk%c), ga[blk*inner:(blk+1)*inner]
							for i, v := range g[blk*inner : (blk+1)*inner] {
								dst[i] += v * bv
							}
						}
					})
				}
			} else {
				parallelFor(len(g), 1, func(lo, hi int) {
					dst := ga[lo:hi]
					for i, v := range g[lo:hi] {
						dst[i] += v
					}
				})
			}
		}
		if gb == nil {
			return
		}
		if kind == bcastSame {
			parallelFor(len(g), 1, func(lo, hi int) {
				dst, gs := gb[lo:hi], g[lo:hi]
				switch op {
				case arithAdd:
					for i, v := range gs {
						dst[i] += v
					}
				case arithSub:
					for i, v := range gs {
						dst[i] -= v
					}
				case arithMul:
					for i, v := range gs {
						dst[i] += v * a.Data[lo+i]
					}
				}
			})
			return
		}
		// Broadcast b: reduce each channel's blocks (in float64).
		parallelFor(c, outer*inner, func(lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				s := 0.0
				for o := 0; o < outer; o++ {
					blk := o*c + ch
					gs := g[blk*inner : (blk+1)*inner]
					if op == arithMul {
						as := a.Data[blk*inner : (blk+1)*inner]
						as = as[:len(gs)]
						for i, v := range gs {
							s += float64(v * as[i])
						}
					} else {
						for _, v := range gs {
							s += float64(v)
						}
					}
				}
				if op == arithSub {
					s = -s
				}
				if kind == bcastScalar {
					gb[0] += float32(s)
				} else {
					gb[ch] += float32(s)
				}
			}
		})
	})
	return out
}

func arithSeg(op arithOp, dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	switch op {
	case arithAdd:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case arithSub:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case arithMul:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	}
}

func arithScalarSeg(op arithOp, dst, a []float32, b float32) {
	a = a[:len(dst)]
	switch op {
	case arithAdd:
		for i := range dst {
			dst[i] = a[i] + b
		}
	case arithSub:
		for i := range dst {
			dst[i] = a[i] - b
		}
	case arithMul:
		for i := range dst {
			dst[i] = a[i] * b
		}
	}
}

// Scale returns s * x (any shape).
func Scale(tp *Tape, x *Tensor, s float32) *Tensor {
	out := tp.result(x.shape, x)
	arithScalarPar(arithMul, out.Data, x.Data, s)
	tp.record(out, func() {
		if gx := tp.grad(x); gx != nil {
			parallelFor(len(gx), 1, func(lo, hi int) {
				dst := gx[lo:hi]
				for i, v := range out.Grad[lo:hi] {
					dst[i] += s * v
				}
			})
		}
	})
	return out
}

// AddScalar returns x + s (any shape).
func AddScalar(tp *Tape, x *Tensor, s float32) *Tensor {
	out := tp.result(x.shape, x)
	arithScalarPar(arithAdd, out.Data, x.Data, s)
	tp.record(out, func() {
		if gx := tp.grad(x); gx != nil {
			parallelFor(len(gx), 1, func(lo, hi int) {
				dst := gx[lo:hi]
				for i, v := range out.Grad[lo:hi] {
					dst[i] += v
				}
			})
		}
	})
	return out
}

func arithScalarPar(op arithOp, dst, a []float32, s float32) {
	parallelFor(len(dst), 1, func(lo, hi int) { arithScalarSeg(op, dst[lo:hi], a[lo:hi], s) })
}

// Reshape returns a view of x with a new shape of the same number of
// elements, sharing x's Data (writes through either are visible in both),
// like PyTorch's reshape/view of a contiguous tensor. One dimension may be
// -1 and is then inferred. Gradients of the view flow back to x.
func Reshape(tp *Tape, x *Tensor, shape ...int) *Tensor {
	shape = append([]int(nil), shape...)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: Reshape to %v", shape))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || x.Len()%known != 0 {
			panic(fmt.Sprintf("tensor: cannot Reshape %v to %v", x.shape, shape))
		}
		shape[infer] = x.Len() / known
	}
	out := x.view(shape...)
	out.requiresGrad = tp != nil && x.requiresGrad
	tp.record(out, func() {
		if gx := tp.grad(x); gx != nil {
			for i, v := range out.Grad {
				gx[i] += v
			}
		}
	})
	return out
}

// Sum returns the sum of all elements of x as a one-element tensor of
// shape [1] (accumulated in float64).
func Sum(tp *Tape, x *Tensor) *Tensor { return arithReduce(tp, x, 1) }

// Mean returns the mean of all elements of x as a one-element tensor of
// shape [1] (accumulated in float64). x must not be empty.
func Mean(tp *Tape, x *Tensor) *Tensor {
	if x.Len() == 0 {
		panic("tensor: Mean of an empty tensor")
	}
	return arithReduce(tp, x, 1/float64(x.Len()))
}

// arithReduce returns scale * sum(x).
func arithReduce(tp *Tape, x *Tensor, scale float64) *Tensor {
	out := tp.result([]int{1}, x)
	s := 0.0
	for _, v := range x.Data {
		s += float64(v)
	}
	out.Data[0] = float32(s * scale)
	tp.record(out, func() {
		if gx := tp.grad(x); gx != nil {
			g := float32(float64(out.Grad[0]) * scale)
			for i := range gx {
				gx[i] += g
			}
		}
	})
	return out
}

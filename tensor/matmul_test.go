package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveBmm computes op(a) x op(b) for a batch of storedDims matrices.
func naiveBmm(a, b []float32, batch, m, n, k int, ta, tb bool) []float32 {
	out := make([]float32, batch*m*n)
	for s := 0; s < batch; s++ {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				acc := 0.0
				for p := 0; p < k; p++ {
					av := a[s*m*k+i*k+p]
					if ta {
						av = a[s*m*k+p*m+i]
					}
					bv := b[s*k*n+p*n+j]
					if tb {
						bv = b[s*k*n+j*k+p]
					}
					acc += float64(av) * float64(bv)
				}
				out[s*m*n+i*n+j] = float32(acc)
			}
		}
	}
	return out
}

func opsClose(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol {
			t.Fatalf("%s: value %d = %v, want %v", name, i, got[i], want[i])
		}
	}
}

// storedDims returns the storedDims shape of an r x c operand, transposed or not.
func storedDims(r, c int, trans bool) (int, int) {
	if trans {
		return c, r
	}
	return r, c
}

func TestMatMulValues(t *testing.T) {
	// Hand-computed: [[1 2] [3 4]] x [[5 6] [7 8]] = [[19 22] [43 50]].
	a := FromData([]float32{1, 2, 3, 4}, 2, 2)
	b := FromData([]float32{5, 6, 7, 8}, 2, 2)
	opsClose(t, "mm", MatMul(nil, a, b, false, false).Data, []float32{19, 22, 43, 50}, 0)
	opsClose(t, "mm a^T", MatMul(nil, a, b, true, false).Data, []float32{26, 30, 38, 44}, 0)
	opsClose(t, "mm b^T", MatMul(nil, a, b, false, true).Data, []float32{17, 23, 39, 53}, 0)

	rng := rand.New(rand.NewPCG(51, 52))
	const batch, m, n, k = 3, 4, 5, 6
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			ar, ac := storedDims(m, k, ta)
			br, bc := storedDims(k, n, tb)
			a2, b2 := randTensor(rng, -1, 1, ar, ac), randTensor(rng, -1, 1, br, bc)
			got := MatMul(nil, a2, b2, ta, tb)
			if !sameShape(got.Shape(), []int{m, n}) {
				t.Fatalf("MatMul shape %v", got.Shape())
			}
			opsClose(t, "MatMul", got.Data, naiveBmm(a2.Data, b2.Data, 1, m, n, k, ta, tb), 1e-5)
			a3, b3 := randTensor(rng, -1, 1, batch, ar, ac), randTensor(rng, -1, 1, batch, br, bc)
			got3 := BatchedMatMul(nil, a3, b3, ta, tb)
			if !sameShape(got3.Shape(), []int{batch, m, n}) {
				t.Fatalf("BatchedMatMul shape %v", got3.Shape())
			}
			opsClose(t, "BatchedMatMul", got3.Data, naiveBmm(a3.Data, b3.Data, batch, m, n, k, ta, tb), 1e-5)
		}
	}
}

func TestMatMulGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	const batch, m, n, k = 2, 3, 4, 5
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			ar, ac := storedDims(m, k, ta)
			br, bc := storedDims(k, n, tb)
			a2, b2 := randParam(rng, -1, 1, ar, ac), randParam(rng, -1, 1, br, bc)
			checkGrad(t, "MatMul", []*Tensor{a2, b2}, func(tp *Tape) *Tensor { return MatMul(tp, a2, b2, ta, tb) }, 1e-2, 1e-3)
			a3, b3 := randParam(rng, -1, 1, batch, ar, ac), randParam(rng, -1, 1, batch, br, bc)
			checkGrad(t, "BatchedMatMul", []*Tensor{a3, b3}, func(tp *Tape) *Tensor { return BatchedMatMul(tp, a3, b3, ta, tb) }, 1e-2, 1e-3)
		}
	}
	// Attention-style use: the same tensor on both sides, x x^T.
	x := randParam(rng, -1, 1, 2, 4, 3)
	checkGrad(t, "BatchedMatMul(x, x^T)", []*Tensor{x}, func(tp *Tape) *Tensor { return BatchedMatMul(tp, x, x, false, true) }, 1e-2, 1e-3)
}

func TestLinear(t *testing.T) {
	// x = [[1 2 3]], w = [[1 0 -1] [2 1 0]], b = [10 20]: y = [[8 24]].
	x := FromData([]float32{1, 2, 3}, 1, 3)
	w := FromData([]float32{1, 0, -1, 2, 1, 0}, 2, 3)
	opsClose(t, "Linear", Linear(nil, x, w, FromData([]float32{10, 20}, 2)).Data, []float32{8, 24}, 0)
	opsClose(t, "Linear no bias", Linear(nil, x, w, nil).Data, []float32{-2, 4}, 0)

	rng := rand.New(rand.NewPCG(55, 56))
	xs := randParam(rng, -1, 1, 4, 6)
	ws := randParam(rng, -1, 1, 3, 6)
	bs := randParam(rng, -1, 1, 3)
	got := Linear(nil, xs, ws, bs)
	want := naiveBmm(xs.Data, ws.Data, 1, 4, 3, 6, false, true)
	for i := range want {
		want[i] += bs.Data[i%3]
	}
	opsClose(t, "Linear random", got.Data, want, 1e-5)
	checkGrad(t, "Linear", []*Tensor{xs, ws, bs}, func(tp *Tape) *Tensor { return Linear(tp, xs, ws, bs) }, 1e-2, 1e-3)
	checkGrad(t, "Linear no bias", []*Tensor{xs, ws}, func(tp *Tape) *Tensor { return Linear(tp, xs, ws, nil) }, 1e-2, 1e-3)
}

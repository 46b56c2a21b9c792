package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// spreadParam returns a tensor holding a random permutation of
// 0, step, 2 step, ...: no two values are within step, so a finite
// difference smaller than step/2 never changes which one is largest.
func spreadParam(rng *rand.Rand, step float32, shape ...int) *Tensor {
	t := NewParam(shape...)
	for i, k := range rng.Perm(t.Len()) {
		t.Data[i] = float32(k) * step
	}
	return t
}

func TestMaxPool2DValues(t *testing.T) {
	// 1 x 1 x 3 x 5: the last row and column are dropped (floor mode).
	x := FromData([]float32{
		1, 5, 2, 2, 9,
		3, 4, 2, 0, 9,
		9, 9, 9, 9, 9,
	}, 1, 1, 3, 5)
	x.SetRequiresGrad(true)
	tp := NewTape()
	y := MaxPool2D(tp, x)
	if !sameShape(y.Shape(), []int{1, 1, 1, 2}) || y.Data[0] != 5 || y.Data[1] != 2 {
		t.Fatalf("MaxPool2D = %v %v, want [1 1 1 2] [5 2]", y.Shape(), y.Data)
	}
	loss := Sum(tp, y)
	if err := tp.Backward(loss); err != nil {
		t.Fatal(err)
	}
	// The tie 2, 2, 2 sends the gradient to its first (row-major) element.
	want := []float32{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	for i := range want {
		if x.Grad[i] != want[i] {
			t.Fatalf("grad = %v, want %v", x.Grad, want)
		}
	}
}

func TestMaxPool2DNaN(t *testing.T) {
	nan := float32(math.NaN())
	x := FromData([]float32{1, nan, 7, 3}, 1, 1, 2, 2)
	if k, v := poolArgmax(x.Data[0], x.Data[1], x.Data[2], x.Data[3]); k != 1 || !poolIsNaN(v) {
		t.Fatalf("argmax with NaN = %d %v, want 1 NaN", k, v)
	}
	if !MaxPool2D(nil, x).HasNaN() {
		t.Fatal("NaN not propagated")
	}
}

func TestMaxPool2DMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, sh := range [][4]int{{2, 3, 6, 8}, {1, 2, 7, 9}, {1, 1, 2, 3}} {
		x := randTensor(rng, -1, 1, sh[:]...)
		y := MaxPool2D(nil, x)
		n, c, h, w := sh[0], sh[1], sh[2], sh[3]
		ho, wo := h/2, w/2
		for p := 0; p < n*c; p++ {
			for i := 0; i < ho; i++ {
				for j := 0; j < wo; j++ {
					m := float32(math.Inf(-1))
					for di := 0; di < 2; di++ {
						for dj := 0; dj < 2; dj++ {
							m = max(m, x.Data[(p*h+2*i+di)*w+2*j+dj])
						}
					}
					if got := y.Data[(p*ho+i)*wo+j]; got != m {
						t.Fatalf("%v: out[%d,%d,%d] = %v, want %v", sh, p, i, j, got, m)
					}
				}
			}
		}
	}
}

func TestMaxPool2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for _, sh := range [][4]int{{2, 2, 6, 4}, {1, 3, 5, 7}} {
		x := spreadParam(rng, 0.05, sh[:]...)
		checkGrad(t, "MaxPool2D", []*Tensor{x}, func(tp *Tape) *Tensor { return MaxPool2D(tp, x) }, 1e-2, 1e-3)
	}
}

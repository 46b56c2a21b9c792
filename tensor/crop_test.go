package tensor

import (
	"math/rand/v2"
	"testing"
)

func TestCrop2DValues(t *testing.T) {
	x := New(1, 2, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	out := Crop2D(nil, x, 1, 2, 2, 2)
	want := []float32{6, 7, 10, 11, 18, 19, 22, 23}
	for i, v := range want {
		if out.Data[i] != v {
			t.Fatalf("Crop2D = %v, want %v", out.Data, want)
		}
	}
}

func TestCrop2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := randParam(rng, -1, 1, 2, 3, 7, 6)
	checkGrad(t, "Crop2D", []*Tensor{x}, func(tp *Tape) *Tensor { return Crop2D(tp, x, 2, 1, 4, 5) }, 1e-2, 1e-3)
	adjointErr(t, "Crop2D", New(2, 3, 7, 6), func(tp *Tape, x *Tensor) *Tensor { return Crop2D(tp, x, 0, 1, 7, 4) })
}

func TestCrop2DOutsidePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a window outside the tensor")
		}
	}()
	Crop2D(nil, New(1, 1, 4, 4), 1, 1, 4, 2)
}

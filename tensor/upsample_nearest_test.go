package tensor

import (
	"math/rand/v2"
	"testing"
)

func TestUpsampleNearest2x(t *testing.T) {
	x := FromData([]float32{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3)
	y := UpsampleNearest2x(nil, x)
	want := []float32{
		1, 1, 2, 2, 3, 3,
		1, 1, 2, 2, 3, 3,
		4, 4, 5, 5, 6, 6,
		4, 4, 5, 5, 6, 6,
	}
	if !sameShape(y.Shape(), []int{1, 1, 4, 6}) {
		t.Fatalf("shape %v", y.Shape())
	}
	for i := range want {
		if y.Data[i] != want[i] {
			t.Fatalf("UpsampleNearest2x = %v, want %v", y.Data, want)
		}
	}
	rng := rand.New(rand.NewPCG(35, 36))
	xp := randParam(rng, -1, 1, 2, 3, 4, 5)
	checkGrad(t, "UpsampleNearest2x", []*Tensor{xp}, func(tp *Tape) *Tensor { return UpsampleNearest2x(tp, xp) }, 1e-2, 1e-3)
}

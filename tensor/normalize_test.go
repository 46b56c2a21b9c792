package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNormalizeSumValues(t *testing.T) {
	x := FromData([]float32{1, 3, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0}, 3, 1, 2, 2)
	out := NormalizeSum(nil, x, 1e-8)
	want := []float64{0.25, 0.75, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0}
	for i, w := range want {
		if math.Abs(float64(out.Data[i])-w) > 1e-6 {
			t.Fatalf("NormalizeSum = %v, want %v", out.Data, want)
		}
	}
}

func TestNormalizeSumGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 92))
	x := randParam(rng, 0.2, 1, 3, 1, 4, 5)
	checkGrad(t, "NormalizeSum", []*Tensor{x}, func(tp *Tape) *Tensor { return NormalizeSum(tp, x, 1e-6) }, 1e-3, 2e-3)
	y := randParam(rng, 0.2, 1, 2, 7)
	checkGrad(t, "NormalizeSum 2-D", []*Tensor{y}, func(tp *Tape) *Tensor { return NormalizeSum(tp, y, 0.5) }, 1e-3, 2e-3)
}

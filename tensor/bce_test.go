package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExpValuesAndGrad(t *testing.T) {
	x := FromData([]float32{-1, 0, 2}, 3)
	for i, want := range []float64{math.Exp(-1), 1, math.Exp(2)} {
		if got := Exp(nil, x).Data[i]; math.Abs(float64(got)-want) > 1e-6*want {
			t.Errorf("Exp(%v) = %v, want %v", x.Data[i], got, want)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	p := randParam(rng, -2, 2, 2, 3, 4)
	checkGrad(t, "Exp", []*Tensor{p}, func(tp *Tape) *Tensor { return Exp(tp, p) }, 1e-2, 2e-3)
}

// bceRef is the textbook formula in float64, fine for moderate logits.
func bceRef(x, t float64) float64 {
	s := 1 / (1 + math.Exp(-x))
	return -(t*math.Log(s) + (1-t)*math.Log(1-s))
}

func TestBCEWithLogitsValues(t *testing.T) {
	xs := []float32{-3, -0.5, 0, 0.7, 4}
	ts := []float32{0, 1, 0.5, 0.2, 1}
	want := 0.0
	for i := range xs {
		want += bceRef(float64(xs[i]), float64(ts[i]))
	}
	want /= float64(len(xs))
	got := BCEWithLogits(nil, FromData(xs, 5), FromData(ts, 5)).Item()
	if math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("BCEWithLogits = %v, want %v", got, want)
	}
	// Extreme logits: the naive formula gives Inf or NaN, the stable one
	// gives |x| for a wrong confident guess and ~0 for a right one.
	big := BCEWithLogits(nil, FromData([]float32{-200, 200, 200, -200}, 4), FromData([]float32{1, 0, 1, 0}, 4)).Item()
	if math.Abs(float64(big)-100) > 1e-4 {
		t.Errorf("extreme logits: loss %v, want 100", big)
	}
	tp := NewTape()
	x := FromData([]float32{-200, 200}, 2)
	x.SetRequiresGrad(true)
	if err := tp.Backward(BCEWithLogits(tp, x, FromData([]float32{1, 1}, 2))); err != nil {
		t.Fatal(err)
	}
	if x.Grad[0] != -0.5 || x.Grad[1] != 0 {
		t.Errorf("extreme logits: gradient %v, want [-0.5 0]", x.Grad)
	}
}

func TestBCEWithLogitsGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := randParam(rng, -4, 4, 2, 1, 3, 5)
	tg := randParam(rng, 0, 1, 2, 1, 3, 5)
	f := func(tp *Tape) *Tensor { return BCEWithLogits(tp, x, tg) }
	checkGrad(t, "BCEWithLogits", []*Tensor{x, tg}, f, 1e-2, 2e-3)
}

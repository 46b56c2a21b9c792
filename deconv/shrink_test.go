package deconv

import (
	"math"
	"testing"
)

// bruteShrink minimises |w|^a + b/2 (w-v)^2 by a dense search.
func bruteShrink(v, a, b float64) float64 {
	best, bw := math.Inf(1), 0.0
	for i := -40000; i <= 40000; i++ {
		w := v * float64(i) / 20000
		if e := math.Pow(math.Abs(w), a) + b/2*(w-v)*(w-v); e < best {
			best, bw = e, w
		}
	}
	return bw
}

func TestShrinkerMatchesBruteForce(t *testing.T) {
	for _, a := range []float64{0.5, 2.0 / 3, 0.8, 1} {
		for _, b := range []float64{1, 8, 64, 256} {
			s, err := newShrinker(a, b)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []float64{-1.7, -0.6, -0.2, -0.05, 0, 0.01, 0.03, 0.1, 0.25, 0.5, 0.9, 1.4, 2.5} {
				got, want := s.apply(v), bruteShrink(v, a, b)
				eGot := math.Pow(math.Abs(got), a) + b/2*(got-v)*(got-v)
				eWant := math.Pow(math.Abs(want), a) + b/2*(want-v)*(want-v)
				if eGot > eWant+1e-6*math.Max(1, eWant) {
					t.Errorf("alpha %v beta %v v %v: w %v (energy %v), brute force %v (energy %v)", a, b, v, got, eGot, want, eWant)
				}
			}
		}
	}
	if _, err := newShrinker(1.5, 1); err == nil {
		t.Error("alpha 1.5: want an error")
	}
}

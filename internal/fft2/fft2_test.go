package fft2

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// naiveDFT computes the full 2-D DFT of a real grid by the definition.
func naiveDFT(w, h int, x []float64) []complex128 {
	out := make([]complex128, w*h)
	for v := 0; v < h; v++ {
		for u := 0; u < w; u++ {
			var s complex128
			for y := 0; y < h; y++ {
				for xx := 0; xx < w; xx++ {
					ph := -2 * math.Pi * (float64(u*xx)/float64(w) + float64(v*y)/float64(h))
					s += complex(x[y*w+xx], 0) * cmplx.Exp(complex(0, ph))
				}
			}
			out[v*w+u] = s
		}
	}
	return out
}

func TestForwardMatchesDefinitionAndInverts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Even widths and 2-3-5-smooth lengths use the Stockham transforms, the
	// others (7, 11, 14) the gonum fallback; widths over 2*colBlock give
	// several column blocks.
	for _, sz := range [][2]int{{1, 1}, {5, 3}, {6, 4}, {7, 9}, {8, 8}, {12, 5}, {10, 7}, {14, 11}, {40, 30}, {22, 25}, {2, 1}} {
		w, h := sz[0], sz[1]
		x := make([]float64, w*h)
		for i := range x {
			x[i] = rng.Float64() - 0.5
		}
		for _, workers := range []int{1, 2} {
			p, err := NewPlan(w, h, workers)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Forward(nil, x)
			want := naiveDFT(w, h, x)
			for v := 0; v < h; v++ {
				for u := 0; u < p.HW; u++ {
					if cmplx.Abs(got[v*p.HW+u]-want[v*w+u]) > 1e-9 {
						t.Fatalf("%dx%d: coefficient (%d,%d) = %v, want %v", w, h, u, v, got[v*p.HW+u], want[v*w+u])
					}
				}
			}
			back := p.Inverse(nil, got)
			for i := range x {
				if math.Abs(back[i]-x[i]) > 1e-12 {
					t.Fatalf("%dx%d: inverse sample %d = %v, want %v", w, h, i, back[i], x[i])
				}
			}
		}
	}
}

func TestGoodEvenSize(t *testing.T) {
	for in, want := range map[int]int{0: 2, 1: 2, 2: 2, 7: 8, 1082: 1152, 1125: 1152, 243: 250} {
		if got := GoodEvenSize(in); got != want {
			t.Errorf("GoodEvenSize(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestGoodSize(t *testing.T) {
	for in, want := range map[int]int{0: 1, 1: 1, 7: 8, 11: 12, 281: 288, 289: 300, 243: 243} {
		if got := GoodSize(in); got != want {
			t.Errorf("GoodSize(%d) = %d, want %d", in, got, want)
		}
	}
}

package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestTVValues(t *testing.T) {
	// x = [[1 4 2] [0 0 5]]: vertical |diffs| 1 4 3 (mean 8/3), horizontal
	// 3 2 0 5 (mean 10/4); squared sums 1+16+9 and 9+4+0+25.
	x := FromData([]float32{1, 4, 2, 0, 0, 5}, 1, 1, 2, 3)
	x.SetRequiresGrad(true)
	if got, want := float64(TV(nil, x).Item()), 8.0/3+10.0/4; math.Abs(got-want) > 1e-6 {
		t.Errorf("TV = %v, want %v", got, want)
	}
	if got := TVSq(nil, x).Item(); got != 26+38 {
		t.Errorf("TVSq = %v, want 64", got)
	}
	if got := TVSum(nil, x).Item(); got != 8+10 {
		t.Errorf("TVSum = %v, want 18", got)
	}
	// Gradient with a zero difference (0, 0): sign(0) = 0.
	tp := NewTape()
	if err := tp.Backward(TV(tp, x)); err != nil {
		t.Fatal(err)
	}
	// d/dx of mean|dh| (3 terms) and mean|dw| (4 terms), by hand: a
	// difference d = x[k+1] - x[k] adds sign(d)/count to x[k+1] and
	// subtracts it from x[k].
	h3, w4 := 1.0/3, 1.0/4
	want := []float64{
		h3 - w4,      // x00: dh = 0-1 <0 -> -(-1)/3; dw = 4-1 >0 -> -1/4
		h3 + w4 + w4, // x01: dh = 0-4 <0 -> +1/3; dw 4-1 >0 -> +1/4; dw 2-4 <0 -> +1/4
		-h3 - w4,     // x02: dh = 5-2 >0 -> -1/3; dw 2-4 <0 -> -1/4
		-h3 + 0,      // x10: dh <0 -> -1/3; dw 0-0 = 0 -> 0
		-h3 + 0 - w4, // x11: dh <0 -> -1/3; dw(0,0)=0; dw 5-0 >0 -> -1/4
		h3 + w4,      // x12: dh >0 -> +1/3; dw 5-0 >0 -> +1/4
	}
	for i, wv := range want {
		if math.Abs(float64(x.Grad[i])-wv) > 1e-6 {
			t.Fatalf("TV grad = %v, want %v", x.Grad, want)
		}
	}
}

// naiveTV computes the three variants with direct loops.
func naiveTV(x *Tensor) (tv, tvsq, tvsum float64) {
	n, c, h, w := dims4("x", x)
	var sh, sw, qh, qw float64
	at := func(p, i, j int) float64 { return float64(x.Data[(p*h+i)*w+j]) }
	for p := 0; p < n*c; p++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				if i+1 < h {
					d := at(p, i+1, j) - at(p, i, j)
					sh += math.Abs(d)
					qh += d * d
				}
				if j+1 < w {
					d := at(p, i, j+1) - at(p, i, j)
					sw += math.Abs(d)
					qw += d * d
				}
			}
		}
	}
	return sh/float64(n*c*(h-1)*w) + sw/float64(n*c*h*(w-1)), qh + qw, sh + sw
}

func TestTVMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	for _, sh := range [][4]int{{2, 3, 5, 7}, {1, 1, 2, 2}, {1, 2, 40, 33}} {
		x := randTensor(rng, -1, 1, sh[:]...)
		tv, tvsq, tvsum := naiveTV(x)
		if got := float64(TVSum(nil, x).Item()); math.Abs(got-tvsum) > 1e-5*math.Abs(tvsum) {
			t.Errorf("%v: TVSum %v, want %v", sh, got, tvsum)
		}
		if got := float64(TV(nil, x).Item()); math.Abs(got-tv) > 1e-5*math.Abs(tv) {
			t.Errorf("%v: TV %v, want %v", sh, got, tv)
		}
		if got := float64(TVSq(nil, x).Item()); math.Abs(got-tvsq) > 1e-5*math.Abs(tvsq) {
			t.Errorf("%v: TVSq %v, want %v", sh, got, tvsq)
		}
	}
}

func TestTVGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	// Distinct values spaced 0.05 apart: no difference is within the
	// finite-difference step of the kink at 0.
	x := spreadParam(rng, 0.05, 2, 2, 4, 5)
	checkGrad(t, "TV", []*Tensor{x}, func(tp *Tape) *Tensor { return TV(tp, x) }, 1e-2, 1e-3)
	checkGrad(t, "TVSum", []*Tensor{x}, func(tp *Tape) *Tensor { return TVSum(tp, x) }, 1e-2, 1e-3)
	y := randParam(rng, -1, 1, 2, 2, 4, 5)
	checkGrad(t, "TVSq", []*Tensor{y}, func(tp *Tape) *Tensor { return TVSq(tp, y) }, 1e-2, 1e-3)
}

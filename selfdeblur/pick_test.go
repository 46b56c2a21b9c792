package selfdeblur

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/plane"
)

// TestGradientSparsityValue checks the measure on a plane small enough to
// work out by hand.
func TestGradientSparsityValue(t *testing.T) {
	// 3x2: differences at (0,0): dx 1, dy 3; at (1,0): dx -2, dy 4.
	p := &plane.Plane{W: 3, H: 2, Pix: []float64{0, 1, -1, 3, 5, 0}}
	want := (1 + 3 + 2 + 4) / math.Sqrt(1+9+4+16)
	if got := GradientSparsity(p); math.Abs(got-want) > 1e-12 {
		t.Fatalf("GradientSparsity = %v, want %v", got, want)
	}
}

func TestGradientSparsityEdgeCases(t *testing.T) {
	for _, p := range []*plane.Plane{plane.New(5, 5), plane.New(1, 9), plane.New(9, 1), plane.New(0, 0)} {
		if got := GradientSparsity(p); !math.IsInf(got, 1) {
			t.Errorf("%dx%d plane without differences: %v, want +Inf", p.W, p.H, got)
		}
	}
}

// TestGradientSparsityBlurAndScale: blurring a piecewise-constant image
// raises the measure; scaling or offsetting it does not change it.
func TestGradientSparsityBlurAndScale(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := plane.New(48, 48)
	for range 12 { // random rectangles
		x0, y0 := rng.IntN(40), rng.IntN(40)
		v := rng.Float64()
		for y := y0; y < y0+1+rng.IntN(8); y++ {
			for x := x0; x < x0+1+rng.IntN(8); x++ {
				p.Set(x, y, v)
			}
		}
	}
	sharp := GradientSparsity(p)
	q := plane.New(48, 48)
	for y := range 48 {
		for x := range 48 {
			s, n := 0.0, 0
			for d := -2; d <= 2; d++ { // horizontal 5-tap box blur
				if x+d >= 0 && x+d < 48 {
					s += p.At(x+d, y)
					n++
				}
			}
			q.Set(x, y, s/float64(n))
		}
	}
	if blurred := GradientSparsity(q); blurred <= sharp {
		t.Errorf("blurred %v, sharp %v: want blurred higher", blurred, sharp)
	}
	r := p.Clone()
	for i := range r.Pix {
		r.Pix[i] = 3*r.Pix[i] + 0.5
	}
	if got := GradientSparsity(r); math.Abs(got-sharp) > 1e-9*sharp {
		t.Errorf("3p + 0.5: %v, p: %v", got, sharp)
	}
}

func TestPickText(t *testing.T) {
	for _, p := range []Pick{PickAuto, PickSharpest, PickObjective} {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q Pick
		if err := json.Unmarshal(b, &q); err != nil || q != p {
			t.Errorf("%v -> %s -> %v, %v", p, b, q, err)
		}
	}
	if _, err := ParsePick("best"); err == nil {
		t.Error(`ParsePick("best") accepted`)
	}
	if _, err := json.Marshal(Pick(7)); err == nil {
		t.Error("Pick(7) marshalled")
	}
	s := Default(9)
	s.Pick = Pick(7)
	if err := s.Validate(); err == nil {
		t.Error("Settings with Pick(7) accepted")
	}
}

func TestPickResolve(t *testing.T) {
	cases := []struct {
		p     Pick
		sizes []int
		want  Pick
	}{
		{PickAuto, nil, PickSharpest},
		{PickAuto, []int{19, 19}, PickSharpest},
		{PickAuto, []int{31, 19}, PickObjective},
		{PickSharpest, []int{31, 19}, PickSharpest},
		{PickObjective, nil, PickObjective},
	}
	for _, c := range cases {
		if got := c.p.resolve(c.sizes); got != c.want {
			t.Errorf("%v with frames %v: %v, want %v", c.p, c.sizes, got, c.want)
		}
	}
}

// TestChooseFit: the objective rule keeps the lowest final objective; the
// sharpness rule the sharpest fit within 1.5x of it, skipping unusable
// (NaN) fits either way.
func TestChooseFit(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		final, sharp []float64
		pick         Pick
		want         int
	}{
		{[]float64{0.010, 0.009}, []float64{30, 31}, PickObjective, 1},
		{[]float64{0.010, 0.009}, []float64{30, 31}, PickSharpest, 0},
		{[]float64{0.020, 0.009}, []float64{30, 31}, PickSharpest, 1},  // 2.2x: failed
		{[]float64{0.0134, 0.009}, []float64{30, 31}, PickSharpest, 0}, // 1.49x: still in
		{[]float64{nan, 0.009, 0.010}, []float64{1, 31, 30}, PickSharpest, 2},
		{[]float64{0.011, 0.010, 0.012}, []float64{30, 31, 29}, PickSharpest, 2},
		{[]float64{0.010, 0.010}, []float64{30, 30}, PickSharpest, 0}, // tie: first
		{[]float64{nan, nan}, []float64{30, 30}, PickSharpest, -1},
	}
	for _, c := range cases {
		if got := chooseFit(c.final, c.sharp, c.pick); got != c.want {
			t.Errorf("%v of objectives %v, sharpness %v: fit %d, want %d", c.pick, c.final, c.sharp, got, c.want)
		}
	}
}

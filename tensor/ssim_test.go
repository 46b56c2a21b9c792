package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ssimNaive is pytorch_ssim written out in float64 with the 2-D window and
// direct zero-padded loops: the reference for SSIMLoss.
func ssimNaive(a, b *Tensor) float64 {
	n, c, h, w := dims4("a", a)
	var g [ssimTaps]float64
	s := 0.0
	for i := range g {
		d := float64(i - 5)
		g[i] = math.Exp(-d * d / 4.5)
		s += g[i]
	}
	for i := range g {
		g[i] /= s
	}
	filt := func(p int, y, x int, f func(i int) float64) float64 {
		acc := 0.0
		for i := 0; i < 11; i++ {
			for j := 0; j < 11; j++ {
				yy, xx := y+i-5, x+j-5
				if yy < 0 || yy >= h || xx < 0 || xx >= w {
					continue
				}
				acc += g[i] * g[j] * f(p*h*w+yy*w+xx)
			}
		}
		return acc
	}
	av := func(i int) float64 { return float64(a.Data[i]) }
	bv := func(i int) float64 { return float64(b.Data[i]) }
	sum := 0.0
	for p := 0; p < n*c; p++ {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				mu1, mu2 := filt(p, y, x, av), filt(p, y, x, bv)
				s11 := filt(p, y, x, func(i int) float64 { return av(i) * av(i) }) - mu1*mu1
				s22 := filt(p, y, x, func(i int) float64 { return bv(i) * bv(i) }) - mu2*mu2
				s12 := filt(p, y, x, func(i int) float64 { return av(i) * bv(i) }) - mu1*mu2
				c1, c2 := 0.01*0.01, 0.03*0.03
				sum += (2*mu1*mu2 + c1) * (2*s12 + c2) / ((mu1*mu1 + mu2*mu2 + c1) * (s11 + s22 + c2))
			}
		}
	}
	return 1 - sum/float64(n*c*h*w)
}

func TestSSIMWindow(t *testing.T) {
	// torch: g = exp(-(x-5)^2/4.5) normalised; g[5] = 0.26601172, g[0] = 0.0010283801.
	sum := float32(0)
	for _, v := range ssimWindow {
		sum += v
	}
	if math.Abs(float64(sum-1)) > 1e-6 || math.Abs(float64(ssimWindow[5])-0.26601172) > 1e-7 ||
		math.Abs(float64(ssimWindow[0])-0.0010283801) > 1e-9 || ssimWindow[3] != ssimWindow[7] {
		t.Fatalf("window %v", ssimWindow)
	}
}

func TestSSIMLossMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, sh := range [][4]int{{1, 1, 16, 13}, {2, 3, 9, 12}, {1, 2, 4, 3}, {1, 1, 1, 1}, {1, 1, 25, 30}} {
		a := randTensor(rng, 0, 1, sh[:]...)
		b := New(sh[:]...)
		for i := range b.Data {
			// b is a noisy, partly correlated copy of a, like a reconstruction.
			b.Data[i] = 0.7*a.Data[i] + 0.3*rng.Float32()
		}
		got := float64(SSIMLoss(nil, a, b).Item())
		want := ssimNaive(a, b)
		if math.Abs(got-want) > 2e-5 {
			t.Errorf("shape %v: SSIMLoss %.8f, naive %.8f", sh, got, want)
		}
		if same := SSIMLoss(nil, a, a).Item(); math.Abs(float64(same)) > 1e-6 {
			t.Errorf("shape %v: SSIMLoss(a, a) = %g, want 0", sh, same)
		}
	}
}

func TestSSIMLossGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, sh := range [][4]int{{1, 1, 12, 11}, {2, 2, 7, 9}, {1, 1, 3, 14}} {
		a := randParam(rng, 0, 1, sh[:]...)
		b := randParam(rng, 0, 1, sh[:]...)
		for i := range b.Data {
			b.Data[i] = 0.6*a.Data[i] + 0.4*b.Data[i]
		}
		checkGrad(t, "SSIMLoss", []*Tensor{a, b}, func(tp *Tape) *Tensor { return SSIMLoss(tp, a, b) }, 1e-3, 3e-3)
		// Gradient through one input only, and through the same tensor twice.
		b.SetRequiresGrad(false)
		checkGrad(t, "SSIMLoss(a, const)", []*Tensor{a}, func(tp *Tape) *Tensor { return SSIMLoss(tp, a, b) }, 1e-3, 3e-3)
		b.SetRequiresGrad(true)
	}
}

func TestSSIMLossGradSameInput(t *testing.T) {
	// SSIM(x, x) is constant (loss 0), so the gradient must vanish.
	rng := rand.New(rand.NewPCG(25, 26))
	x := randParam(rng, 0, 1, 1, 1, 8, 8)
	tp := NewTape()
	loss := SSIMLoss(tp, x, x)
	if err := tp.Backward(loss); err != nil {
		t.Fatal(err)
	}
	for i, g := range x.Grad {
		if math.Abs(float64(g)) > 1e-5 {
			t.Fatalf("grad[%d] = %g, want 0", i, g)
		}
	}
}

// BenchmarkSSIMLoss times forward and backward on the optimiser's image size.
func BenchmarkSSIMLoss(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randParam(rng, 0, 1, 1, 1, 255, 255)
	y := randTensor(rng, 0, 1, 1, 1, 255, 255)
	tp := NewTape()
	for b.Loop() {
		tp.Reset()
		loss := SSIMLoss(tp, x, y)
		if err := tp.Backward(loss); err != nil {
			b.Fatal(err)
		}
	}
}

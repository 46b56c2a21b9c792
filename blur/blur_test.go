package blur

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/plane"
)

func randPlane(rng *rand.Rand, w, h int) *plane.Plane {
	p := plane.New(w, h)
	for i := range p.Pix {
		p.Pix[i] = rng.Float64()
	}
	return p
}

// naiveFull is the definition of full convolution, written independently of
// the package code.
func naiveFull(img, k *plane.Plane) *plane.Plane {
	out := plane.New(img.W+k.W-1, img.H+k.H-1)
	for y := 0; y < out.H; y++ {
		for x := 0; x < out.W; x++ {
			s := 0.0
			for b := 0; b < k.H; b++ {
				for a := 0; a < k.W; a++ {
					sx, sy := x-a, y-b
					if sx >= 0 && sx < img.W && sy >= 0 && sy < img.H {
						s += k.At(a, b) * img.At(sx, sy)
					}
				}
			}
			out.Set(x, y, s)
		}
	}
	return out
}

func maxDiff(t *testing.T, a, b *plane.Plane) float64 {
	t.Helper()
	if !a.SameSize(b) {
		t.Fatalf("sizes differ: %dx%d vs %dx%d", a.W, a.H, b.W, b.H)
	}
	d := 0.0
	for i := range a.Pix {
		d = math.Max(d, math.Abs(a.Pix[i]-b.Pix[i]))
	}
	return d
}

var sizes = []struct{ w, h, kw, kh int }{
	{9, 7, 3, 3}, {16, 12, 5, 4}, {13, 20, 4, 7}, {8, 8, 8, 8}, {31, 29, 17, 15}, {5, 6, 1, 1},
}

func TestDirectMatchesNaiveLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range sizes {
		img, k := randPlane(rng, s.w, s.h), randPlane(rng, s.kw, s.kh)
		full := naiveFull(img, k)
		for _, m := range []Mode{Full, Same, Valid} {
			ox, oy, ow, oh, err := window(s.w, s.h, s.kw, s.kh, m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ConvolveDirect(img, k, m)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(t, got, full.Crop(ox, oy, ow, oh)); d > 1e-12 {
				t.Errorf("%+v %v: direct differs from naive by %g", s, m, d)
			}
		}
	}
}

func TestModesAreCropsOfFull(t *testing.T) {
	// Independent of window(): Same is centred as MATLAB's conv2 and Valid is
	// the part without padding.
	img := randPlane(rand.New(rand.NewPCG(2, 2)), 11, 9)
	k := randPlane(rand.New(rand.NewPCG(3, 3)), 4, 3)
	full, _ := Convolve(img, k, Full)
	same, _ := Convolve(img, k, Same)
	valid, _ := Convolve(img, k, Valid)
	if full.W != 14 || full.H != 11 || same.W != 11 || same.H != 9 || valid.W != 8 || valid.H != 7 {
		t.Fatalf("sizes full %dx%d same %dx%d valid %dx%d", full.W, full.H, same.W, same.H, valid.W, valid.H)
	}
	if d := maxDiff(t, same, full.Crop(2, 1, 11, 9)); d > 1e-12 {
		t.Errorf("same is not full cropped at (2,1): %g", d)
	}
	if d := maxDiff(t, valid, full.Crop(3, 2, 8, 7)); d > 1e-12 {
		t.Errorf("valid is not full cropped at (3,2): %g", d)
	}
	if d := maxDiff(t, valid, same.Crop(1, 1, 8, 7)); d > 1e-12 {
		t.Errorf("valid is not the interior of same: %g", d)
	}
}

func TestFFTMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, s := range append(sizes, struct{ w, h, kw, kh int }{64, 50, 27, 23}) {
		img, k := randPlane(rng, s.w, s.h), randPlane(rng, s.kw, s.kh)
		for _, m := range []Mode{Full, Same, Valid} {
			a, err := ConvolveDirect(img, k, m)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ConvolveFFT(img, k, m)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(t, a, b); d > 1e-9 {
				t.Errorf("%+v %v: FFT differs from direct by %g", s, m, d)
			}
		}
	}
}

func TestCorrelateDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	img, k := randPlane(rng, 12, 10), randPlane(rng, 5, 3)
	got, err := Correlate(img, k, Valid)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < got.H; y++ {
		for x := 0; x < got.W; x++ {
			s := 0.0
			for b := 0; b < k.H; b++ {
				for a := 0; a < k.W; a++ {
					s += k.At(a, b) * img.At(x+a, y+b)
				}
			}
			if math.Abs(got.At(x, y)-s) > 1e-12 {
				t.Fatalf("correlate valid (%d,%d) = %v, want %v", x, y, got.At(x, y), s)
			}
		}
	}
	// Large kernels go through the FFT path and must agree too.
	big := randPlane(rng, 17, 16)
	img = randPlane(rng, 40, 30)
	a, _ := Correlate(img, big, Same)
	b, _ := ConvolveDirect(img, big.Rot180(), Same)
	if d := maxDiff(t, a, b); d > 1e-9 {
		t.Errorf("FFT correlation differs by %g", d)
	}
}

func TestOrientationShiftsRight(t *testing.T) {
	img := plane.New(7, 5)
	img.Set(2, 2, 1)
	k := plane.New(3, 3)
	k.Set(2, 1, 1) // one tap right of the centre
	out, _ := Convolve(img, k, Same)
	if out.At(3, 2) != 1 || out.Sum() != 1 {
		t.Errorf("convolution with a right tap should move the dot right; got %v", out.Pix)
	}
	out, _ = Correlate(img, k, Same)
	if out.At(1, 2) != 1 || out.Sum() != 1 {
		t.Errorf("correlation with a right tap should move the dot left; got %v", out.Pix)
	}
}

func TestCircular(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, s := range []struct{ w, h, kw, kh int }{{20, 17, 5, 5}, {16, 16, 4, 6}, {9, 11, 9, 11}} {
		img, k := randPlane(rng, s.w, s.h), randPlane(rng, s.kw, s.kh)
		got, err := CircularConvolve(img, k)
		if err != nil {
			t.Fatal(err)
		}
		for y := 0; y < s.h; y++ {
			for x := 0; x < s.w; x++ {
				v := 0.0
				for b := 0; b < s.kh; b++ {
					for a := 0; a < s.kw; a++ {
						sx := ((x-a+s.kw/2)%s.w + s.w) % s.w
						sy := ((y-b+s.kh/2)%s.h + s.h) % s.h
						v += k.At(a, b) * img.At(sx, sy)
					}
				}
				if math.Abs(got.At(x, y)-v) > 1e-9 {
					t.Fatalf("%+v: circular (%d,%d) = %v, want %v", s, x, y, got.At(x, y), v)
				}
			}
		}
		// Away from the borders circular equals same.
		same, _ := Convolve(img, k, Same)
		mx, my := s.kw, s.kh
		if s.w > 2*mx && s.h > 2*my {
			if d := maxDiff(t, got.Crop(mx, my, s.w-2*mx, s.h-2*my), same.Crop(mx, my, s.w-2*mx, s.h-2*my)); d > 1e-9 {
				t.Errorf("%+v: circular interior differs from same by %g", s, d)
			}
		}
	}
	if _, err := CircularConvolve(plane.New(4, 4), plane.New(5, 3)); err == nil {
		t.Error("kernel larger than image: want an error")
	}
}

func TestErrors(t *testing.T) {
	if _, err := Convolve(plane.New(4, 4), plane.New(5, 5), Valid); err == nil {
		t.Error("valid with kernel larger than image: want an error")
	}
	if _, err := Convolve(plane.New(4, 4), plane.New(0, 0), Same); err == nil {
		t.Error("empty kernel: want an error")
	}
	if _, err := Convolve(plane.New(4, 4), plane.New(3, 3), Mode(7)); err == nil {
		t.Error("bad mode: want an error")
	}
	for _, s := range []string{"full", "same", "valid"} {
		if m, err := ParseMode(s); err != nil || m.String() != s {
			t.Errorf("ParseMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseMode("circular"); err == nil {
		t.Error("ParseMode(circular): want an error")
	}
}

func BenchmarkConvolve(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	img := randPlane(rng, 255, 255)
	for _, ks := range []int{9, 15, 21, 27} {
		k := randPlane(rng, ks, ks)
		b.Run("direct"+itoa(ks), func(b *testing.B) {
			for b.Loop() {
				ConvolveDirect(img, k, Full)
			}
		})
		b.Run("fft"+itoa(ks), func(b *testing.B) {
			for b.Loop() {
				ConvolveFFT(img, k, Full)
			}
		})
	}
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

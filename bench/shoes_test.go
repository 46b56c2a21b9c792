package bench

import (
	"math"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/internal/testfiles"
)

// TestShoesCases: the shoe benchmark takes the test split's sandals,
// sneakers and ankle boots in order, centred on black 32x32, with the
// digits benchmark's kernels and the circular blur plus noise.
func TestShoesCases(t *testing.T) {
	// Test images 0..7; the shoes are 1 (sandal), 3 (sneaker), 4 (ankle
	// boot) and 6 (sneaker).
	dir := testfiles.Fashion(t, []byte{0, 5, 2, 7, 9, 8, 7, 1})
	o := DefaultMNIST()
	o.N = 3
	d, err := Shoes(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	cases := d.Cases()
	wantCat := []string{"sandal", "sneaker", "ankle boot"}
	wantSrc := []int{1, 3, 4}
	if len(cases) != 3 || cases[0].Name != "shoe0000" || cases[2].Name != "shoe0002" {
		t.Fatalf("%d cases, first %q", len(cases), cases[0].Name)
	}
	samples := loadAll(t, d)
	for i, s := range samples {
		if cases[i].Category != wantCat[i] {
			t.Errorf("case %d: category %q, want %q", i, cases[i].Category, wantCat[i])
		}
		x := s.Sharp.Channels[0]
		want := float64(wantSrc[i]+1) / 255
		if x.W != ShoeSize || x.H != ShoeSize {
			t.Fatalf("case %d: %dx%d", i, x.W, x.H)
		}
		for y := range ShoeSize {
			for xx := range ShoeSize {
				v, inside := x.At(xx, y), xx >= 2 && xx < 30 && y >= 2 && y < 30
				if inside && math.Abs(v-want) > 1e-6 || !inside && v != 0 {
					t.Fatalf("case %d: pixel (%d, %d) = %v, want test image %d centred on black", i, xx, y, v, wantSrc[i])
				}
			}
		}
		if k := s.Kernel; k.W != 28 || math.Abs(k.Sum()-1) > 1e-12 {
			t.Fatalf("case %d: kernel %dx%d sums to %v", i, k.W, k.H, k.Sum())
		}
		clean, err := blur.CircularConvolve(x, s.Kernel)
		if err != nil {
			t.Fatal(err)
		}
		diff := 0.0
		for j, v := range clean.Pix {
			diff += (s.Blurry.Channels[0].Pix[j] - v) * (s.Blurry.Channels[0].Pix[j] - v)
		}
		if rms := math.Sqrt(diff / float64(len(clean.Pix))); rms < 0.007 || rms > 0.013 {
			t.Errorf("case %d: blurry differs from the circular blur by %.4f RMS, want the 1 %% noise", i, rms)
		}
	}
	o.N = 5
	if _, err := Shoes(dir, o); err == nil {
		t.Error("5 shoes asked of a split holding 4")
	}
	if _, err := Shoes(t.TempDir(), DefaultMNIST()); err == nil {
		t.Error("empty folder accepted")
	}
	o.N = 3
	// The kernels are the digits benchmark's (same seed, same stream).
	if dm, err := MNIST(needData(t, "mnist"), o); err == nil {
		for i, s := range loadAll(t, dm) {
			for j, v := range s.Kernel.Pix {
				if samples[i].Kernel.Pix[j] != v {
					t.Fatalf("case %d: kernel differs from the digits benchmark's", i)
				}
			}
		}
	}
}

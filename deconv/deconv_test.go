package deconv

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/plane"
)

// motionKernel is a small synthetic camera-shake kernel (an L-shaped path
// with uneven speed), 9 x 9, summing to 1. It is not symmetric, so a solver
// that flipped it would fail the tests.
func motionKernel() *plane.Plane {
	k := plane.New(9, 9)
	for i, v := range []float64{3, 3, 2, 2, 1, 1, 1} {
		k.Set(1+i, 2, v)
	}
	for j, v := range []float64{1, 1, 2, 2} {
		k.Set(7, 3+j, v)
	}
	k.Set(6, 7, 1)
	if err := k.Normalize(); err != nil {
		panic(err)
	}
	return k
}

// synthCase blurs a crop of a Levin ground-truth image with the kernel k by
// the exact valid model, adds Gaussian noise of deviation sigma, and returns
// the blurry size x size plane and the matching sharp crop.
func synthCase(tb testing.TB, k *plane.Plane, size int, sigma float64, bright func(*plane.Plane)) (y, ref *plane.Plane) {
	gt := loadGray(tb, levinDir+"/gt/im2.png")
	ext := gt.Crop(100, 60, size+k.W-1, size+k.H-1)
	if bright != nil {
		bright(ext)
	}
	y, err := blur.Convolve(ext, k, blur.Valid)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range y.Pix {
		y.Pix[i] += sigma * rng.NormFloat64()
	}
	return y, ext.Crop((k.W-1)/2, (k.H-1)/2, size, size)
}

// ringStats returns the RMS error of est against ref over the outer band of
// width b and over the interior.
func ringStats(est, ref *plane.Plane, b int) (border, inner float64) {
	var sb, si float64
	var nb, ni int
	for y := 0; y < ref.H; y++ {
		for x := 0; x < ref.W; x++ {
			d := est.At(x, y) - ref.At(x, y)
			if x < b || y < b || x >= ref.W-b || y >= ref.H-b {
				sb += d * d
				nb++
			} else {
				si += d * d
				ni++
			}
		}
	}
	return math.Sqrt(sb / float64(nb)), math.Sqrt(si / float64(ni))
}

func TestMethodsImproveSyntheticWithoutBorderRinging(t *testing.T) {
	k := motionKernel()
	y, ref := synthCase(t, k, 64, 0.005, nil)
	y.Clamp(0, 1)
	base := psnr(y, ref, 0)
	blurBorder, _ := ringStats(y, ref, 4)
	for _, name := range Methods() {
		x, err := deconvolve(context.Background(), name, y, k)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !x.SameSize(y) {
			t.Fatalf("%s: result %dx%d, want %dx%d", name, x.W, x.H, y.W, y.H)
		}
		got := psnr(x, ref, 0)
		border, inner := ringStats(x, ref, 4)
		t.Logf("%-15s PSNR %.2f dB (blurry %.2f), RMS border %.4f (blurry %.4f) interior %.4f", name, got, base, border, blurBorder, inner)
		if isReflect(name) || isCircular(name) {
			continue // checked in TestValidBoundaryBeatsReflect and TestCircularModel
		}
		if got < base+5 {
			t.Errorf("%s: PSNR %.2f dB, want at least 5 dB over the blurry %.2f dB", name, got, base)
		}
		// The outermost pixels are seen by fewer blurry pixels, so some loss
		// there is inherent; ringing shows as a border worse than the blurry
		// input's own border, or far worse than the interior.
		if border > 0.75*blurBorder || border > 3*inner {
			t.Errorf("%s: border RMS error %.4f against blurry %.4f and interior %.4f (ringing)", name, border, blurBorder, inner)
		}
	}
}

func isReflect(name string) bool { return name == "wiener-reflect" || name == "hl-reflect" }

func isCircular(name string) bool { return strings.HasSuffix(name, "-circular") }

func TestValidBoundaryBeatsReflect(t *testing.T) {
	k := motionKernel()
	y, ref := synthCase(t, k, 64, 0.005, nil)
	for _, pair := range [][2]string{{"wiener", "wiener-reflect"}, {"hyperlaplacian", "hl-reflect"}} {
		xv, err := deconvolve(context.Background(), pair[0], y, k)
		if err != nil {
			t.Fatal(err)
		}
		xr, err := deconvolve(context.Background(), pair[1], y, k)
		if err != nil {
			t.Fatal(err)
		}
		bv, _ := ringStats(xv, ref, 4)
		br, _ := ringStats(xr, ref, 4)
		if !(br > 1.5*bv) {
			t.Errorf("%s border RMS %.4f, %s %.4f: the valid model should ring far less", pair[0], bv, pair[1], br)
		}
	}
}

func TestSaturatedHandlesClippedHighlights(t *testing.T) {
	k := motionKernel()
	// Small light sources far brighter than the sensor range, as in night
	// shots; the blurry image is clipped to [0, 1].
	lights := func(p *plane.Plane) {
		for _, c := range [][2]int{{20, 20}, {45, 30}, {30, 52}} {
			for dy := 0; dy < 3; dy++ {
				for dx := 0; dx < 3; dx++ {
					p.Set(c[0]+dx, c[1]+dy, 6)
				}
			}
		}
	}
	y, ref := synthCase(t, k, 64, 0.005, lights)
	y.Clamp(0, 1)
	ref = ref.Clone().Clamp(0, 1)
	plain, err := IRLS{}.Deconvolve(context.Background(), y, k)
	if err != nil {
		t.Fatal(err)
	}
	sat, err := Saturated{}.Deconvolve(context.Background(), y, k)
	if err != nil {
		t.Fatal(err)
	}
	pp, ps := psnr(plain, ref, 0), psnr(sat, ref, 0)
	t.Logf("clipped lights: irls %.2f dB, saturated %.2f dB, blurry %.2f dB", pp, ps, psnr(y, ref, 0))
	if ps < pp+3 {
		t.Errorf("saturated %.2f dB should beat plain IRLS %.2f dB by 3 dB on clipped highlights", ps, pp)
	}
}

func TestSaturationWeight(t *testing.T) {
	y := plane.New(9, 7)
	y.Set(4, 3, 1)
	w, err := SaturationWeight(y, 0.98, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.Sum() != 63-9 || w.At(3, 2) != 0 || w.At(5, 4) != 0 || w.At(6, 3) != 1 {
		t.Errorf("radius 1 should zero exactly the 3x3 block: %v", w.Pix)
	}
	k := plane.New(3, 1)
	k.Set(2, 0, 1) // support: one tap right of the centre
	w, _ = SaturationWeight(y, 0.98, 0, k)
	// Grown by the support and by its rotation: (3,3), (4,3), (5,3).
	if w.Sum() != 60 || w.At(3, 3) != 0 || w.At(5, 3) != 0 {
		t.Errorf("kernel-support dilation wrong: %v", w.Pix)
	}
	if _, err := SaturationWeight(y, 0.98, -1, nil); err == nil {
		t.Error("negative radius: want an error")
	}
}

func TestCancellation(t *testing.T) {
	k := motionKernel()
	y, _ := synthCase(t, k, 64, 0.005, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range Methods() {
		if _, err := deconvolve(ctx, name, y, k); !errors.Is(err, context.Canceled) {
			if (name == "wiener-reflect" || name == "wiener-circular") && err == nil {
				continue // a single FFT division: nothing to cancel
			}
			t.Errorf("%s with a cancelled context: error %v, want context.Canceled", name, err)
		}
	}
	// Cancelling during a long solve returns promptly.
	big := plane.New(511, 511) // large enough that no solve ends within 30 ms
	for i := range big.Pix {
		big.Pix[i] = float64(i%17) / 17
	}
	for _, name := range []string{"hyperlaplacian", "hl-fast", "hl-fill", "irls"} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		_, err := deconvolve(ctx, name, big, k)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: error %v, want deadline exceeded", name, err)
		}
	}
}

func TestInvalidInput(t *testing.T) {
	y := plane.New(32, 32)
	k := motionKernel()
	ctx := context.Background()
	bad := k.Clone()
	bad.Pix[0] += 0.5
	if _, err := (Wiener{}).Deconvolve(ctx, y, bad); err == nil {
		t.Error("kernel summing to 1.5: want an error")
	}
	if _, err := (Wiener{}).Deconvolve(ctx, y, plane.New(40, 3)); err == nil {
		t.Error("kernel wider than image: want an error")
	}
	if _, err := (IRLS{Model: Model{Weight: plane.New(3, 3)}}).Deconvolve(ctx, y, k); err == nil {
		t.Error("weight of the wrong size: want an error")
	}
	if _, err := (HyperLaplacian{Alpha: 1.5}).Deconvolve(ctx, y, k); err == nil {
		t.Error("alpha 1.5: want an error")
	}
	if _, err := deconvolve(ctx, "richardson-lucy", y, k); err == nil {
		t.Error("unknown method: want an error")
	}
	if _, err := (HyperLaplacian{Model: Model{Boundary: BoundarySmooth, Weight: plane.New(32, 32)}}).Deconvolve(ctx, y, k); err == nil {
		t.Error("data weight with the smooth boundary: want an error")
	}
	if _, err := (Wiener{Model: Model{Boundary: Boundary(7)}}).Deconvolve(ctx, y, k); err == nil {
		t.Error("unknown boundary model: want an error")
	}
	if _, err := (HyperLaplacian{Fill: -1}).Deconvolve(ctx, y, k); err == nil {
		t.Error("negative Fill: want an error")
	}
	for _, name := range []string{"auto", "hl-smooth", "hl-fill", "hl-fast"} {
		if _, err := deconvolve(ctx, name, nil, k); err == nil {
			t.Errorf("%s with a nil image: want an error", name)
		}
		if _, err := deconvolve(ctx, name, y, bad); err == nil {
			t.Errorf("%s with a kernel summing to 1.5: want an error", name)
		}
	}
}

func TestEvenKernelIsCentredLikeSame(t *testing.T) {
	k := motionKernel().Crop(1, 1, 8, 8) // all taps kept, even size
	if math.Abs(k.Sum()-1) > 1e-12 {
		t.Fatalf("cropped kernel sums to %v", k.Sum())
	}
	y, ref := synthCase(t, k, 64, 0.005, nil)
	x, err := Wiener{}.Deconvolve(context.Background(), y, k)
	if err != nil {
		t.Fatal(err)
	}
	// Unaligned PSNR: a result shifted by a pixel would lose far more.
	if got, base := psnr(x, ref, 0), psnr(y, ref, 0); got < base+5 {
		t.Errorf("even kernel: PSNR %.2f dB, blurry %.2f dB; result misplaced?", got, base)
	}
}

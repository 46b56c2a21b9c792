package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

func TestPSNRKnownValue(t *testing.T) {
	// Every sample off by 5/255: MSE on the 8-bit scale is 25, so
	// PSNR = 10 log10(255^2/25) = 20 log10(51) = 34.1514035...
	a := texture(20, 20, 1)
	b := a.Clone()
	for i := range b.Pix {
		b.Pix[i] += 5.0 / 255
	}
	got, err := PSNR(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-20*math.Log10(51)) > 1e-9 || math.Abs(got-34.1514035) > 1e-6 {
		t.Fatalf("PSNR %v", got)
	}
	if p, _ := PSNR(a, a); !math.IsInf(p, 1) {
		t.Fatalf("PSNR of identical images %v", p)
	}
}

// Colour images are scored on BT.601 luma: a change of R and G that leaves
// Y = 16 + 65.481R + 128.553G + 24.966B unchanged is invisible to the score.
func TestScoreImageUsesLuma(t *testing.T) {
	r, g, b := texture(60, 60, 1), texture(60, 60, 2), texture(60, 60, 3)
	for _, p := range []*plane.Plane{r, g} { // keep room for the change
		for i := range p.Pix {
			p.Pix[i] = 0.25 + 0.5*p.Pix[i]
		}
	}
	gt, _ := imageio.NewRGB(r, g, b)
	est := gt.Clone()
	for i := range est.Channels[0].Pix {
		d := 0.1 * math.Sin(float64(i))
		est.Channels[0].Pix[i] += d
		est.Channels[1].Pix[i] -= d * 65.481 / 128.553
	}
	res, err := ScoreImage(est, gt, Standard())
	if err != nil {
		t.Fatal(err)
	}
	if res.PSNR < 250 || res.DX != 0 || res.DY != 0 || math.Abs(res.SSIM-1) > 1e-12 {
		t.Fatalf("luma-preserving change scored %+v", res)
	}
	// Changing B by 1/255 everywhere moves Y by 24.966/255 8-bit levels:
	// PSNR = 10 log10(255^2 / (24.966/255)^2) = 20 log10(255^2/24.966).
	est = gt.Clone()
	for i := range est.Channels[2].Pix {
		est.Channels[2].Pix[i] += 1.0 / 255
	}
	res, err = ScoreImage(est, gt, Standard())
	if err != nil {
		t.Fatal(err)
	}
	if want := 20 * math.Log10(255*255/24.966); math.Abs(res.PSNR-want) > 1e-6 {
		t.Fatalf("blue change: PSNR %v, want %v (shift %v, %v)", res.PSNR, want, res.DX, res.DY)
	}
	// Two gray images are compared directly, not through luma (which would
	// scale differences by 219/255).
	ga, gb := imageio.NewGray(r), imageio.NewGray(r.Clone())
	for i := range gb.Channels[0].Pix {
		gb.Channels[0].Pix[i] += 2.0 / 255
	}
	res, _ = ScoreImage(gb, ga, Standard())
	if want := 20 * math.Log10(255.0/2); math.Abs(res.PSNR-want) > 1e-6 {
		t.Fatalf("gray: PSNR %v, want %v", res.PSNR, want)
	}
}

// noisyCase returns a rough 70x70 ground truth, so that no sub-pixel shift
// (which would average the noise away) beats shift 0, its noise plane, and
// a function giving the ground truth plus k times that noise.
func noisyCase() (gt, noise *plane.Plane, withNoise func(k float64) *plane.Plane) {
	rng := rand.New(rand.NewPCG(1, 2))
	gt = plane.New(70, 70)
	for i := range gt.Pix {
		gt.Pix[i] = rng.Float64()
	}
	noise = plane.New(70, 70)
	for i := range noise.Pix {
		noise.Pix[i] = 0.02 * rng.NormFloat64()
	}
	withNoise = func(k float64) *plane.Plane {
		p := gt.Clone()
		for i := range p.Pix {
			p.Pix[i] += k * noise.Pix[i]
		}
		return p
	}
	return gt, noise, withNoise
}

func TestErrorRatio(t *testing.T) {
	gt, _, withNoise := noisyCase()
	one := withNoise(1)
	r, err := ErrorRatio(one, one.Clone(), gt, Standard())
	if err != nil || r != 1 {
		t.Fatalf("identical inputs: ratio %v, %v", r, err)
	}
	// Twice the error: four times the SSD (both align at shift 0).
	r, err = ErrorRatio(withNoise(2), one, gt, Standard())
	if err != nil || math.Abs(r-4) > 1e-12 {
		t.Fatalf("double noise: ratio %v, %v", r, err)
	}
	if r, _ := ErrorRatio(gt, gt, gt, Standard()); r != 1 {
		t.Fatalf("perfect both: %v", r)
	}
	if r, _ := ErrorRatio(one, gt, gt, Standard()); !math.IsInf(r, 1) {
		t.Fatalf("perfect true-kernel result: %v", r)
	}
	// Each input is aligned on its own: moving the estimated-kernel result by
	// (3, -2) pixels changes nothing.
	two := withNoise(2)
	moved := plane.New(70, 70)
	for y := 0; y < 70; y++ {
		for x := 0; x < 70; x++ {
			moved.Set(x, y, two.At(min(max(x-3, 0), 69), min(max(y+2, 0), 69)))
		}
	}
	r, err = ErrorRatio(moved, one, gt, Standard())
	if err != nil || math.Abs(r-4) > 1e-12 {
		t.Fatalf("moved, double noise: ratio %v, %v", r, err)
	}
}

func TestKernelError(t *testing.T) {
	k := texture(9, 7, 3)
	res, err := KernelError(k, k)
	if err != nil || res.SSD > 1e-15 || math.Abs(res.NCC-1) > 1e-12 || res.DX != 0 || res.DY != 0 {
		t.Fatalf("identical kernels: %+v %v", res, err)
	}
	// Scale does not matter (both are normalised), and an estimate embedded
	// off-centre in a larger canvas is found at its shift.
	big := plane.New(15, 13)
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			big.Set(x+5, y+2, 3*k.At(x, y)) // centred would be (3, 3)
		}
	}
	res, err = KernelError(big, k)
	if err != nil || res.SSD > 1e-15 || math.Abs(res.NCC-1) > 1e-12 || res.DX != 2 || res.DY != -1 {
		t.Fatalf("embedded kernel: %+v %v", res, err)
	}
	// By hand: e = [1 1]/2 against t = [1]: any overlap correlates 1/2,
	// |e|^2 = 1/2, |t|^2 = 1, so SSD = 1/2 + 1 - 2/2 = 1/2 and
	// NCC = (1/2)/sqrt(1/2) = 0.70710678.
	e, _ := plane.FromSlice(2, 1, []float64{1, 1})
	tk, _ := plane.FromSlice(1, 1, []float64{5})
	res, err = KernelError(e, tk)
	if err != nil || math.Abs(res.SSD-0.5) > 1e-15 || math.Abs(res.NCC-math.Sqrt(0.5)) > 1e-15 {
		t.Fatalf("hand case: %+v %v", res, err)
	}
	// e = [0 1 3], t = [3 1 0] (sums 4, so divide by 16 below). Products by
	// the shift of e's content relative to t's:
	//   shift 2: e's 3 on t's 3        -> corr 9/16
	//   shift 1: 1*3 + 3*1             -> corr 6/16
	//   shift 0: 0*3 + 1*1 + 3*0       -> corr 1/16
	// |e|^2 = |t|^2 = 10/16, so the best SSD = 20/16 - 18/16 = 1/8 and
	// NCC = (9/16)/(10/16) = 0.9, at shift 2.
	e, _ = plane.FromSlice(3, 1, []float64{0, 1, 3})
	tk, _ = plane.FromSlice(3, 1, []float64{3, 1, 0})
	res, err = KernelError(e, tk)
	if err != nil || math.Abs(res.SSD-1.0/8) > 1e-15 || math.Abs(res.NCC-0.9) > 1e-15 || res.DX != 2 || res.DY != 0 {
		t.Fatalf("hand case 2: %+v %v", res, err)
	}
	if _, err := KernelError(plane.New(3, 3), k); err == nil {
		t.Fatal("zero kernel accepted")
	}
}

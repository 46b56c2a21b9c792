package metrics

import (
	"math"
	"testing"

	"github.com/deblur/deblur/plane"
)

// digitLike returns a 28x28 plane with a bright stroke on black.
func digitLike() *plane.Plane {
	p := plane.New(28, 28)
	for y := 6; y < 22; y++ {
		for x := 0; x < 28; x++ {
			d := math.Abs(float64(x) - 14 - 0.3*float64(y-14))
			p.Set(x, y, math.Max(0, 1-d/2.5))
		}
	}
	return p
}

func TestScoreCircularFindsShift(t *testing.T) {
	gt := digitLike()
	est := shiftCircular(gt, -2, 1) // est(x, y) = gt(x-2, y+1): content 2 px right, 1 px up
	r, err := ScoreCircular(est, gt, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.DX != 2 || r.DY != -1 || !math.IsInf(r.PSNR, 1) || math.Abs(r.SSIM-1) > 1e-12 || r.W != 28 {
		t.Errorf("shifted copy: %+v, want shift (2, -1), infinite PSNR, SSIM 1", r)
	}
	// Out of range: a 3-px shift is not undone with maxShift 2.
	far := shiftCircular(gt, 3, 0)
	r, err = ScoreCircular(far, gt, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsInf(r.PSNR, 1) || r.DX != -2 {
		t.Errorf("3-px shift within +-2: %+v", r)
	}
	// A known error: gt + 0.1 everywhere is 20 dB at shift 0.
	off := gt.Clone()
	for i := range off.Pix {
		off.Pix[i] += 0.1
	}
	r, err = ScoreCircular(off, gt, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.PSNR-20) > 1e-9 || r.DX != 0 || r.DY != 0 || r.SSIM >= 1 {
		t.Errorf("constant offset 0.1: %+v, want 20 dB at shift 0", r)
	}
}

func TestScoreCircularErrors(t *testing.T) {
	gt := digitLike()
	nan := gt.Clone()
	nan.Pix[5] = math.NaN()
	for name, f := range map[string]func() error{
		"size":      func() error { _, err := ScoreCircular(plane.New(27, 28), gt, 2); return err },
		"negative":  func() error { _, err := ScoreCircular(gt, gt, -1); return err },
		"too large": func() error { _, err := ScoreCircular(gt, gt, 14); return err },
		"nan":       func() error { _, err := ScoreCircular(nan, gt, 2); return err },
		"small":     func() error { _, err := ScoreCircular(plane.New(9, 9), plane.New(9, 9), 2); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

package metrics

import (
	"fmt"

	"github.com/deblur/deblur/plane"
)

// ScoreCircular scores est against gt for images too small for the border
// and shift protocol of Score, whose blur is circular (periodic) as in the
// deep-generative-priors benchmark on 28x28 digits. A blind estimate is
// then determined only up to a circular translation, so est is shifted
// circularly by every integer (dx, dy) with |dx|, |dy| <= maxShift,
//
//	Est(x, y) = est((x+dx) mod W, (y+dy) mod H),
//
// the shift with the least sum of squared differences to gt wins (ties go
// to the smaller shift), and PSNR (peak 1 on the [0, 1] scale, the same
// number as peak 255 on the 8-bit scale) and SSIM (see SSIM) are computed
// on the whole shifted image, no border cropped. est and gt are planes of
// the same size with finite samples; 2*maxShift+1 must not exceed either
// side. The inputs are not modified.
func ScoreCircular(est, gt *plane.Plane, maxShift int) (Result, error) {
	if !est.SameSize(gt) {
		return Result{}, fmt.Errorf("metrics: estimate is %dx%d but ground truth is %dx%d", est.W, est.H, gt.W, gt.H)
	}
	if maxShift < 0 || 2*maxShift+1 > min(gt.W, gt.H) {
		return Result{}, fmt.Errorf("metrics: circular shift range %d does not fit a %dx%d image", maxShift, gt.W, gt.H)
	}
	if err := checkFinite(est, "estimate"); err != nil {
		return Result{}, err
	}
	if err := checkFinite(gt, "ground truth"); err != nil {
		return Result{}, err
	}
	var best *plane.Plane
	bestSSD, bestMag, bx, by := 0.0, 0, 0, 0
	for dy := -maxShift; dy <= maxShift; dy++ {
		for dx := -maxShift; dx <= maxShift; dx++ {
			e := shiftCircular(est, dx, dy)
			s, mag := ssd(e, gt), dx*dx+dy*dy
			if best == nil || s < bestSSD || (s == bestSSD && mag < bestMag) {
				best, bestSSD, bestMag, bx, by = e, s, mag, dx, dy
			}
		}
	}
	s, err := SSIM(best, gt)
	if err != nil {
		return Result{}, err
	}
	n := float64(len(gt.Pix))
	return Result{
		PSNR: psnrFromMSE(bestSSD / n), SSIM: s,
		DX: float64(bx), DY: float64(by), SSD: bestSSD, MSE: bestSSD / n,
		W: gt.W, H: gt.H,
	}, nil
}

// shiftCircular returns p(x+dx mod W, y+dy mod H) as a new plane.
func shiftCircular(p *plane.Plane, dx, dy int) *plane.Plane {
	out := plane.New(p.W, p.H)
	for y := 0; y < p.H; y++ {
		sy := ((y+dy)%p.H + p.H) % p.H
		for x := 0; x < p.W; x++ {
			out.Pix[y*p.W+x] = p.Pix[sy*p.W+((x+dx)%p.W+p.W)%p.W]
		}
	}
	return out
}

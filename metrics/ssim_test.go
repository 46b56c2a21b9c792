package metrics

import (
	"math"
	"testing"

	"github.com/deblur/deblur/plane"
)

func filled(w, h int, f func(x, y int) float64) *plane.Plane {
	p := plane.New(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p.Set(x, y, f(x, y))
		}
	}
	return p
}

func TestSSIMByHand(t *testing.T) {
	const c1, c2 = 6.5025, 58.5225 // (0.01*255)^2, (0.03*255)^2

	// Two constant 11x11 images, 100 and 120 on the 8-bit scale: one window,
	// means 100 and 120, no variance, so
	// SSIM = (2*100*120 + C1) * C2 / ((100^2 + 120^2 + C1) * C2)
	//      = 24006.5025 / 24406.5025 = 0.98361092499836...
	a := filled(11, 11, func(x, y int) float64 { return 100.0 / 255 })
	b := filled(11, 11, func(x, y int) float64 { return 120.0 / 255 })
	got, err := SSIM(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := 24006.5025 / 24406.5025; math.Abs(got-want) > 1e-12 || math.Abs(got-0.9836109249983688) > 1e-12 {
		t.Fatalf("constant pair: SSIM %v, want %v", got, want)
	}

	// Columns left of the centre are -1, the centre column 0, right of it +1:
	// s(x) = sign(x-5). a = 100 + 20 s, b = 110 + 10 s. The window is a
	// product g(x)g(y) of 1-D Gaussians g(k) = exp(-(k-5)^2/4.5)/Z with
	//   Z = 1 + 2(e^(-1/4.5) + e^(-4/4.5) + e^(-9/4.5) + e^(-16/4.5) + e^(-25/4.5))
	//     = 1 + 2(0.8007374 + 0.4111123 + 0.1353353 + 0.0285655 + 0.0038659)
	//     = 3.7592328,
	// so the weighted mean of s is 0 (symmetry) and that of s^2 is
	//   v = 1 - g(5) = 1 - 1/Z = 0.7339883.
	// Hence mu_a = 100, mu_b = 110, var_a = 400v, var_b = 100v, cov = 200v and
	//   SSIM = (2*100*110 + C1)(2*200v + C2) / ((100^2 + 110^2 + C1)(500v + C2))
	//        = 22006.5025 * 352.1178 / (22106.5025 * 425.5167) = 0.82376329...
	sign := func(x int) float64 { return float64(min(max(x-5, -1), 1)) }
	a = filled(11, 11, func(x, y int) float64 { return (100 + 20*sign(x)) / 255 })
	b = filled(11, 11, func(x, y int) float64 { return (110 + 10*sign(x)) / 255 })
	z := 1.0
	for d := 1; d <= 5; d++ {
		z += 2 * math.Exp(-float64(d*d)/4.5)
	}
	v := 1 - 1/z
	want := (2*100*110 + c1) * (2*200*v + c2) / ((100*100 + 110*110 + c1) * (500*v + c2))
	got, err = SSIM(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-12 || math.Abs(got-0.8237632903324411) > 1e-9 {
		t.Fatalf("sign pair: SSIM %v, want %v", got, want)
	}

	// 12x12: four windows, whose SSIMs are averaged. a is 100 everywhere, b
	// is 120 in the last column only. The two windows covering columns 0..10
	// see equal constants (SSIM 1); the two covering columns 1..11 see b with
	// weight g(10) = e^(-25/4.5)/Z = 0.0010284 of 120 and the rest 100:
	//   mu_b = 100 + 20w, var_b = 400 w(1-w), cov = 0, and
	//   SSIM = (2*100*mu_b + C1)(C2) / ((100^2 + mu_b^2 + C1)(var_b + C2)).
	a = filled(12, 12, func(x, y int) float64 { return 100.0 / 255 })
	b = filled(12, 12, func(x, y int) float64 {
		if x == 11 {
			return 120.0 / 255
		}
		return 100.0 / 255
	})
	w := math.Exp(-25/4.5) / z
	mub := 100 + 20*w
	right := (2*100*mub + c1) * c2 / ((100*100 + mub*mub + c1) * (400*w*(1-w) + c2))
	want = (1 + 1 + right + right) / 4
	got, err = SSIM(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-12 || right > 0.9999 {
		t.Fatalf("12x12 pair: SSIM %v, want %v (right windows %v)", got, want, right)
	}
}

// meanBlocks averages f x f blocks starting offset pixels before each output
// pixel, mirroring indices below 0 (index -1 reads 0) — what MATLAB's
// imfilter('symmetric') then (1:f:end) does for these sizes.
func meanBlocks(p *plane.Plane, f, offset int) *plane.Plane {
	ow, oh := (p.W+f-1)/f, (p.H+f-1)/f
	return filled(ow, oh, func(x, y int) float64 {
		s := 0.0
		for j := 0; j < f; j++ {
			for i := 0; i < f; i++ {
				xx, yy := x*f-offset+i, y*f-offset+j
				if xx < 0 {
					xx = -xx - 1
				}
				if yy < 0 {
					yy = -yy - 1
				}
				s += p.At(xx, yy)
			}
		}
		return s / float64(f*f)
	})
}

func TestSSIMDownsampling(t *testing.T) {
	// 512x384: f = round(384/256) = round(1.5) = 2; 2x2 blocks from (0, 0).
	a, b := texture(512, 384, 1), texture(512, 384, 2)
	got, _ := SSIM(a, b)
	want, _ := SSIM(meanBlocks(a, 2, 0), meanBlocks(b, 2, 0)) // 256x192: f = 1
	if math.Abs(got-want) > 1e-12 {
		t.Fatalf("f=2: SSIM %v, want %v", got, want)
	}
	// 301x640: f = round(301/256) = 1, no downsampling.
	// 700x641: f = round(641/256) = round(2.504) = 3; blocks centred (offset 1).
	a, b = texture(700, 641, 3), texture(700, 641, 4)
	for i := range b.Pix { // correlate them a little so SSIM is not ~0
		b.Pix[i] = 0.5*b.Pix[i] + 0.5*a.Pix[i]
	}
	got, _ = SSIM(a, b)
	// 700 -> 234 columns, 641 -> 214 rows: the last block of each row reads
	// up to index 3*233+1 = 700, mirrored to 699, so extend by one mirrored
	// column (and row 3*213+1 = 640 is inside).
	pad := func(p *plane.Plane) *plane.Plane {
		return filled(p.W+1, p.H, func(x, y int) float64 { return p.At(min(x, p.W-1), y) })
	}
	want, _ = SSIM(meanBlocks(pad(a), 3, 1).Crop(0, 0, 234, 214), meanBlocks(pad(b), 3, 1).Crop(0, 0, 234, 214))
	if math.Abs(got-want) > 1e-12 || got < 0.3 {
		t.Fatalf("f=3: SSIM %v, want %v", got, want)
	}
}

package metrics

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/plane"
)

// smooth returns a w x h plane sampling a smooth, non-periodic test function
// in [0, 1] at (x-sx, y-sy), so smooth(.., sx, sy) is smooth(.., 0, 0) with
// its content moved by (sx, sy).
func smooth(w, h int, sx, sy float64) *plane.Plane {
	p := plane.New(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			u, v := float64(x)-sx, float64(y)-sy
			f := 0.5 + 0.2*math.Sin(u/7+0.3*v/5) + 0.15*math.Cos(v/4.3-u/11) +
				0.1*math.Exp(-((u-30)*(u-30)+(v-20)*(v-20))/40)
			p.Pix[y*w+x] = f
		}
	}
	return p
}

// texture returns a random image blurred a little, in [0, 1].
func texture(w, h int, seed uint64) *plane.Plane {
	rng := rand.New(rand.NewPCG(seed, 7))
	p := plane.New(w, h)
	for i := range p.Pix {
		p.Pix[i] = rng.Float64()
	}
	return box3(p)
}

// box3 returns p filtered with a 3x3 box (shrinking at the edges).
func box3(p *plane.Plane) *plane.Plane {
	w, h := p.W, p.H
	q := plane.New(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s, n := 0.0, 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
						s += p.At(xx, yy)
						n++
					}
				}
			}
			q.Set(x, y, s/n)
		}
	}
	return q
}

// bilinear samples p at (x, y), clamping to the edge.
func bilinear(p *plane.Plane, x, y float64) float64 {
	clamp := func(v, hi int) int { return min(max(v, 0), hi) }
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 { return p.At(clamp(x, p.W-1), clamp(y, p.H-1)) }
	return (1-fy)*((1-fx)*at(x0, y0)+fx*at(x0+1, y0)) + fy*((1-fx)*at(x0, y0+1)+fx*at(x0+1, y0+1))
}

func TestIdenticalImages(t *testing.T) {
	gt := texture(80, 70, 1)
	r, err := Score(gt, gt.Clone(), Standard())
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(r.PSNR, 1) || r.SSIM != 1 || r.DX != 0 || r.DY != 0 || r.SSD != 0 {
		t.Fatalf("identical images scored %+v", r)
	}
	if r.W != 50 || r.H != 40 {
		t.Fatalf("region %dx%d, want 50x40", r.W, r.H)
	}
}

func TestClosedFormSSDMatchesDirect(t *testing.T) {
	p := Protocol{Border: 7, MaxShift: 5, Steps: 4}
	est, gt := texture(41, 37, 2), texture(41, 37, 3)
	g := newGrid(est, gt, p)
	gtR := gt.Crop(p.Border, p.Border, gt.W-2*p.Border, gt.H-2*p.Border)
	worst := 0.0
	for ky := -20; ky <= 20; ky++ {
		for kx := -20; kx <= 20; kx++ {
			direct := ssd(shiftRegion(est, p.Border, gtR.W, gtR.H, float64(kx)/4, float64(ky)/4), gtR)
			worst = max(worst, math.Abs(g.ssd(kx, ky)-direct)/direct)
		}
	}
	if worst > 1e-10 {
		t.Fatalf("closed-form SSD differs from direct by relative %g", worst)
	}
}

func TestShiftRegionIsBilinear(t *testing.T) {
	est := texture(30, 30, 4)
	r := shiftRegion(est, 10, 10, 10, -1.25, 2.75)
	for y := 0; y < 10; y++ {
		for x := 0; x < 10; x++ {
			want := bilinear(est, float64(10+x)-1.25, float64(10+y)+2.75)
			if math.Abs(r.At(x, y)-want) > 1e-14 {
				t.Fatalf("(%d,%d): %v want %v", x, y, r.At(x, y), want)
			}
		}
	}
}

func TestRecoversFractionalShift(t *testing.T) {
	// Exact: the estimate samples the same smooth function moved by
	// (1.25, -2.5), so est(x+1.25, y-2.5) matches gt(x, y).
	gt := smooth(120, 100, 0, 0)
	est := smooth(120, 100, 1.25, -2.5)
	a, err := Align(est, gt, Standard())
	if err != nil {
		t.Fatal(err)
	}
	if a.DX != 1.25 || a.DY != -2.5 {
		t.Fatalf("smooth: found shift (%v, %v), want (1.25, -2.5)", a.DX, a.DY)
	}
	// Bilinear: a texture resampled at (x-1.25, y+2.5). Resampling twice
	// (here, then in Align) smooths, so on rough textures a less smoothed
	// neighbouring shift can win; a blurrier texture has its minimum at the
	// true shift.
	tex := box3(box3(texture(120, 100, 5)))
	moved := plane.New(120, 100)
	for y := 0; y < 100; y++ {
		for x := 0; x < 120; x++ {
			moved.Set(x, y, bilinear(tex, float64(x)-1.25, float64(y)+2.5))
		}
	}
	a, err = Align(moved, tex, Standard())
	if err != nil {
		t.Fatal(err)
	}
	if a.DX != 1.25 || a.DY != -2.5 {
		t.Fatalf("texture: found shift (%v, %v), want (1.25, -2.5)", a.DX, a.DY)
	}
	// And the far corner of the range.
	est = smooth(120, 100, -10, 9.75)
	if a, err = Align(est, gt, Standard()); err != nil || a.DX != -10 || a.DY != 9.75 {
		t.Fatalf("corner: found (%v, %v), %v", a.DX, a.DY, err)
	}
}

// bruteForce scores every grid shift by resampling and returns the best.
func bruteForce(est, gt *plane.Plane, p Protocol) (dx, dy, best float64) {
	gtR := gt.Crop(p.Border, p.Border, gt.W-2*p.Border, gt.H-2*p.Border)
	best = math.Inf(1)
	n := p.MaxShift * p.Steps
	for ky := -n; ky <= n; ky++ {
		for kx := -n; kx <= n; kx++ {
			x, y := float64(kx)/float64(p.Steps), float64(ky)/float64(p.Steps)
			if s := ssd(shiftRegion(est, p.Border, gtR.W, gtR.H, x, y), gtR); s < best {
				dx, dy, best = x, y, s
			}
		}
	}
	return dx, dy, best
}

func TestMatchesBruteForceOnLevin(t *testing.T) {
	dir := testfiles.Path("levin")
	if testing.Short() {
		t.Skip("brute force takes a few seconds")
	}
	gtIm, err := imageio.Read(filepath.Join(dir, "gt/im1.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"im1_kernel1_img.png", "im1_kernel4_img.png"} {
		blurIm, err := imageio.Read(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		est, gt := blurIm.Channels[0], gtIm.Channels[0]
		a, err := Align(est, gt, Standard())
		if err != nil {
			t.Fatal(err)
		}
		dx, dy, s := bruteForce(est, gt, Standard())
		if a.DX != dx || a.DY != dy || a.SSD != s {
			t.Fatalf("%s: Align found (%v, %v) SSD %v, brute force (%v, %v) SSD %v", name, a.DX, a.DY, a.SSD, dx, dy, s)
		}
		t.Logf("%s: shift (%v, %v), SSD %.4f", name, dx, dy, s)
	}
}

func TestProtocolAndSizeErrors(t *testing.T) {
	a := texture(40, 40, 1)
	for _, p := range []Protocol{{Border: 10, MaxShift: 10, Steps: 4}, {Border: 15, MaxShift: 10, Steps: 0}, {Border: 5, MaxShift: -1, Steps: 1}} {
		if _, err := Align(a, a, p); err == nil {
			t.Errorf("protocol %+v accepted", p)
		}
	}
	if _, err := Align(a, texture(41, 40, 1), Standard()); err == nil {
		t.Error("different sizes accepted")
	}
	if _, err := Align(texture(30, 40, 1), texture(30, 40, 1), Standard()); err == nil {
		t.Error("image no larger than the borders accepted")
	}
	b := a.Clone()
	b.Pix[5] = math.NaN()
	if _, err := Align(b, a, Standard()); err == nil {
		t.Error("NaN accepted")
	}
	// 11 pixels left after the border: too small for SSIM's window? No, 11 is
	// enough; 10 is not.
	if _, err := Score(texture(41, 41, 1), texture(41, 41, 2), Standard()); err != nil {
		t.Errorf("41x41: %v", err)
	}
	if _, err := Score(texture(40, 41, 1), texture(40, 41, 2), Standard()); err == nil {
		t.Error("40x41 (10 px wide region) scored")
	}
}

func BenchmarkScore255(b *testing.B) {
	gt := texture(255, 255, 8)
	est := texture(255, 255, 9)
	for b.Loop() {
		Score(est, gt, Standard())
	}
}

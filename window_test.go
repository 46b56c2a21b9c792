package deblur

import (
	"testing"

	"github.com/deblur/deblur/plane"
)

// TestInformativeWindowFindsTexture: a flat image with one textured patch
// (edges in both directions) and one patch of vertical stripes only; the
// window must land on the textured patch.
func TestInformativeWindowFindsTexture(t *testing.T) {
	p := plane.New(300, 200)
	for i := range p.Pix {
		p.Pix[i] = 0.5
	}
	for y := 120; y < 180; y++ { // checkerboard at (200..260, 120..180)
		for x := 200; x < 260; x++ {
			p.Set(x, y, 0.2+0.6*float64((x/4+y/4)%2))
		}
	}
	for y := 10; y < 90; y++ { // stripes (strong, one direction) at (20..120, 10..90)
		for x := 20; x < 120; x++ {
			p.Set(x, y, 0.1+0.8*float64((x/2)%2))
		}
	}
	x0, y0 := informativeWindow(p, 64)
	if x0 > 200 || x0+64 < 260 || y0 > 120 || y0+64 < 180 {
		t.Errorf("window at (%d, %d), want it over the checkerboard (200..260, 120..180)", x0, y0)
	}
	if x, y := informativeWindow(p, 400); x != 0 || y != 0 {
		t.Errorf("window larger than the image at (%d, %d)", x, y)
	}
}

// TestInformativeWindowSkipsSaturation: a strong texture clipped at 1
// (saturated) and a weaker unclipped one; the window picks the unclipped.
func TestInformativeWindowSkipsSaturation(t *testing.T) {
	p := plane.New(256, 100)
	for y := 20; y < 80; y++ {
		for x := 0; x < 256; x++ {
			v := 0.3 + 0.4*float64((x/3+y/3)%2)
			if x < 128 {
				v = 0.1 + 0.95*float64((x/3+y/3)%2) // 0.1 or 1.05, clipped to 1
			}
			p.Set(x, y, min(v, 1))
		}
	}
	if x0, _ := informativeWindow(p, 64); x0 < 128 {
		t.Errorf("window at x %d, inside the saturated half", x0)
	}
}

package kernel

import (
	"math"
	"slices"
	"testing"

	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
)

func TestAutoSize(t *testing.T) {
	for _, tc := range []struct{ w, h, want int }{
		{255, 255, 31}, {320, 320, 39}, {4000, 3000, 75}, {100, 80, 15}, {40, 40, 9}, {12, 12, 3},
	} {
		if got := AutoSize(tc.w, tc.h); got != tc.want {
			t.Errorf("AutoSize(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestTrim(t *testing.T) {
	k := plane.New(15, 15)
	k.Set(6, 7, 3)     // the stroke spans x 6..9, y 7, 8
	k.Set(9, 8, 1)     //
	k.Set(0, 0, 0.001) // below 1/20 of the peak: dropped
	got := Trim(k, 0.05)
	// Columns: 6 empty on the left, 5 on the right -> 4 removed from each
	// side (margin 1); rows: 7 above, 6 below -> 5 removed each side.
	if got.W != 7 || got.H != 5 {
		t.Fatalf("trimmed to %dx%d, want 7x5", got.W, got.H)
	}
	if math.Abs(got.Sum()-1) > 1e-12 || got.At(2, 2) < 0.74 || got.At(5, 3) < 0.24 {
		t.Errorf("trimmed kernel %v", got.Pix)
	}
	tight := Trim(got, 0.05)
	if tight.W != 7 || tight.H != 5 {
		t.Errorf("a tight kernel was trimmed to %dx%d", tight.W, tight.H)
	}
	zero := Trim(plane.New(5, 5), 0.05)
	if zero.W != 5 {
		t.Errorf("an all-zero kernel was trimmed to %dx%d", zero.W, zero.H)
	}
}

func TestCenter(t *testing.T) {
	k := plane.New(9, 9)
	k.Set(7, 1, 3) // centre of mass (7.25, 1.5): 3 right of and 2.5 above (4, 4)
	k.Set(8, 3, 1)
	got := Center(k)
	// Shift (3, -2) (-2.5 rounds to even): the frame grows by 3 on the
	// left and right, by 2 at the top and bottom.
	if got.W != 15 || got.H != 13 {
		t.Fatalf("centred frame %dx%d, want 15x13", got.W, got.H)
	}
	if got.At(7, 5) != 3 || got.At(8, 7) != 1 || got.Sum() != 4 {
		t.Errorf("centred kernel misplaced: %v", got.Pix)
	}
	var cx, cy float64
	for y := range got.H {
		for x := range got.W {
			cx += got.At(x, y) * float64(x) / 4
			cy += got.At(x, y) * float64(y) / 4
		}
	}
	if math.Abs(cx-7) > 0.5 || math.Abs(cy-6) > 0.5 {
		t.Errorf("centre of mass (%g, %g), want within half a pixel of (7, 6)", cx, cy)
	}
	trimmed := Trim(got, 0.05)
	if trimmed.W != 5 || trimmed.H != 5 {
		t.Errorf("centred then trimmed to %dx%d, want 5x5", trimmed.W, trimmed.H)
	}
	for _, c := range []*plane.Plane{plane.New(5, 5), trimmed} {
		if again := Center(c); again.W != c.W || again.H != c.H {
			t.Errorf("a centred or empty kernel was reframed to %dx%d", again.W, again.H)
		}
	}
}

func TestAutoFrames(t *testing.T) {
	for _, c := range []struct {
		k, restarts int
		want        []int
	}{
		{31, 2, []int{31, 19}},
		{39, 3, []int{39, 23, 39}},
		{15, 2, []int{15, 9}},
		{5, 2, []int{5, 3}},
		{3, 2, nil},
		{31, 1, nil},
		{31, 0, nil},
	} {
		if got := AutoFrames(c.k, c.restarts); !slices.Equal(got, c.want) {
			t.Errorf("AutoFrames(%d, %d) = %v, want %v", c.k, c.restarts, got, c.want)
		}
	}
}

func TestGivenFrames(t *testing.T) {
	for _, c := range []struct {
		k, w, h, restarts int
		want              []int
	}{
		{17, 255, 255, 2, []int{31, 17}},     // Levin: the generous frame is 31
		{13, 255, 300, 3, []int{31, 13, 31}}, // the shorter side sets it
		{31, 255, 255, 2, nil},               // no larger generous frame
		{41, 255, 255, 2, nil},
		{17, 255, 255, 1, nil},
		{17, 255, 255, 0, nil},
	} {
		if got := GivenFrames(c.k, c.w, c.h, c.restarts); !slices.Equal(got, c.want) {
			t.Errorf("GivenFrames(%d, %d, %d, %d) = %v, want %v", c.k, c.w, c.h, c.restarts, got, c.want)
		}
	}
}

// TestUpscaleInvertsShrink: a smooth 31x31 kernel, shrunk by 3
// the way the image is (block means of the taps, which is what a blur
// looks like on the shrunk image up to a shift of the grid), comes back
// close to the original, summing to 1 with its centre of mass in place.
func TestUpscaleInvertsShrink(t *testing.T) {
	const k, f = 31, 3
	fine := plane.New(k, k)
	for y := range k {
		for x := range k {
			u, v := float64(x-15), float64(y-15)
			// A curved streak, a few pixels wide.
			d := v - 0.02*u*u + 4
			fine.Set(x, y, math.Exp(-d*d/8)*math.Exp(-u*u/80))
		}
	}
	if err := fine.Normalize(); err != nil {
		t.Fatal(err)
	}
	// Pad to 33 so that the 3x3 blocks are centred on the kernel centre.
	pad := plane.New(33, 33)
	for y := range k {
		for x := range k {
			pad.Set(x+1, y+1, fine.At(x, y))
		}
	}
	coarse := pad.Shrink(f)
	if err := coarse.Normalize(); err != nil {
		t.Fatal(err)
	}
	up := Upscale(coarse, k, f)
	if up.W != k || up.H != k {
		t.Fatalf("size %dx%d", up.W, up.H)
	}
	if s := up.Sum(); math.Abs(s-1) > 1e-9 {
		t.Errorf("sum %v", s)
	}
	ke, err := metrics.KernelError(up, fine)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("NCC %.4f, shift (%d, %d)", ke.NCC, ke.DX, ke.DY)
	if ke.NCC < 0.95 || ke.DX != 0 || ke.DY != 0 {
		t.Errorf("NCC %.4f at shift (%d, %d), want >= 0.95 at (0, 0)", ke.NCC, ke.DX, ke.DY)
	}
}

// TestPieces: a stroke is one piece; a stroke and a separate blob are two,
// largest first; faint values below the floor are in no piece.
func TestPieces(t *testing.T) {
	k := plane.New(9, 9)
	for i := 1; i <= 5; i++ {
		k.Set(i, i, 2) // a diagonal stroke (8-connected), mass 10
	}
	if got := Pieces(k, 0.05); len(got) != 1 || math.Abs(got[0]-1) > 1e-12 {
		t.Errorf("one stroke: pieces %v, want [1]", got)
	}
	k.Set(8, 0, 3)
	k.Set(8, 1, 1)    // a separate blob, mass 4
	k.Set(0, 8, 0.01) // faint, below 5 % of the peak
	got := Pieces(k, 0.05)
	want := []float64{10 / 14.01, 4 / 14.01}
	if len(got) != 2 || math.Abs(got[0]-want[0]) > 1e-12 || math.Abs(got[1]-want[1]) > 1e-12 {
		t.Errorf("stroke and blob: pieces %v, want %v", got, want)
	}
	if got := Pieces(plane.New(3, 3), 0.05); got != nil {
		t.Errorf("empty kernel: %v", got)
	}
}

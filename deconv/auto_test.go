package deconv

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/deblur/deblur/plane"
)

func TestForSize(t *testing.T) {
	for _, c := range []struct {
		w, h int
		want string
	}{
		{255, 255, "hyperlaplacian"},
		{2000, 1500, "hyperlaplacian"},
		{ExactMaxPixels, 1, "hyperlaplacian"},
		{ExactMaxPixels + 1, 1, "hl-fast"},
		{4000, 3000, "hl-fast"},
		{FastMaxPixels, 1, "hl-fast"},
		{6000, 4000, "hl-fill"},
		{FillMaxPixels + 1, 1, "hl-smooth"},
	} {
		if got := ForSize(c.w, c.h); got != c.want {
			t.Errorf("ForSize(%d, %d) = %q, want %q", c.w, c.h, got, c.want)
		}
		if _, err := Lookup(ForSize(c.w, c.h)); err != nil {
			t.Errorf("ForSize(%d, %d) names no method: %v", c.w, c.h, err)
		}
	}
}

func TestAutoRunsForSizeChoice(t *testing.T) {
	k := motionKernel()
	y, _ := synthCase(t, k, 48, 0.005, nil)
	got, err := deconvolve(context.Background(), "auto", y, k)
	if err != nil {
		t.Fatal(err)
	}
	want, err := deconvolve(context.Background(), ForSize(y.W, y.H), y, k)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got.Pix {
		if got.Pix[i] != want.Pix[i] {
			t.Fatalf("auto differs from %s at pixel %d: %v vs %v", ForSize(y.W, y.H), i, got.Pix[i], want.Pix[i])
		}
	}
}

// TestFastMethodsOrdering checks on the synthetic case that the smooth
// periodic extension and boundary filling ring far less at the borders than
// mirroring, and that the truncated valid-model solve stays close to the
// exact one. (On this 64 x 64 case hl-smooth beats hl-fill; on Levin's
// images and on large ones it is the other way round, see ForSize.)
func TestFastMethodsOrdering(t *testing.T) {
	k := motionKernel()
	y, ref := synthCase(t, k, 64, 0.005, nil)
	border := map[string]float64{}
	score := map[string]float64{}
	for _, name := range []string{"hyperlaplacian", "hl-fast", "hl-fill", "hl-smooth", "hl-reflect"} {
		x, err := deconvolve(context.Background(), name, y, k)
		if err != nil {
			t.Fatal(err)
		}
		border[name], _ = ringStats(x, ref, 4)
		score[name] = psnr(x, ref, 0)
	}
	t.Logf("border RMS %v, PSNR %v", border, score)
	for _, name := range []string{"hl-smooth", "hl-fill"} {
		if !(border["hl-reflect"] > 1.4*border[name]) {
			t.Errorf("border RMS %s %.4f, hl-reflect %.4f: want far less ringing", name, border[name], border["hl-reflect"])
		}
		if !(score[name] > score["hl-reflect"]+2) {
			t.Errorf("PSNR %s %.2f dB, hl-reflect %.2f dB: want 2 dB more", name, score[name], score["hl-reflect"])
		}
	}
	if score["hl-fast"] < score["hyperlaplacian"]-0.5 {
		t.Errorf("PSNR hl-fast %.2f dB, hyperlaplacian %.2f dB: truncated solves lose too much", score["hl-fast"], score["hyperlaplacian"])
	}
}

func TestSmoothExtendIsPeriodicAndGradual(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	y := plane.New(13, 9)
	for i := range y.Pix {
		y.Pix[i] = rng.Float64()
	}
	gw, gh, ox, oy := 20, 16, 3, 5
	g := plane.SmoothExtend(y, gw, gh, ox, oy).Pix
	at := func(i, j int) float64 { return g[((j%gh+gh)%gh)*gw+(i%gw+gw)%gw] }
	for j := 0; j < y.H; j++ {
		for i := 0; i < y.W; i++ {
			if at(ox+i, oy+j) != y.At(i, j) {
				t.Fatalf("y(%d,%d) not reproduced", i, j)
			}
		}
		// Across the horizontal gap the row steps evenly from its last
		// sample to its first.
		step := (y.At(0, j) - y.At(y.W-1, j)) / float64(gw-y.W+1)
		for i := y.W - 1; i < gw; i++ {
			if d := at(ox+i+1, oy+j) - at(ox+i, oy+j); math.Abs(d-step) > 1e-12 {
				t.Fatalf("row %d, gap step %d: %v, want %v", j, i, d, step)
			}
		}
	}
	for i := 0; i < gw; i++ {
		step := (at(i, oy) - at(i, oy+y.H-1)) / float64(gh-y.H+1)
		for j := y.H - 1; j < gh; j++ {
			if d := at(i, oy+j+1) - at(i, oy+j); math.Abs(d-step) > 1e-12 {
				t.Fatalf("column %d, gap step %d: %v, want %v", i, j, d, step)
			}
		}
	}
}

// TestResultIndependentOfCores checks that the parallel loops and
// transforms give bit-identical results with one and with four goroutines
// (the chunks are split by length, never by core count).
func TestResultIndependentOfCores(t *testing.T) {
	k := motionKernel()
	y := plane.New(300, 280) // grids above several chunks
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range y.Pix {
		y.Pix[i] = 0.5 + 0.3*math.Sin(float64(i%300)/7) + 0.05*rng.Float64()
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, name := range []string{"hl-fast", "irls"} {
		var out [2]*plane.Plane
		for i, procs := range []int{1, 4} {
			runtime.GOMAXPROCS(procs)
			x, err := deconvolve(context.Background(), name, y, k)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = x
		}
		for i := range out[0].Pix {
			if out[0].Pix[i] != out[1].Pix[i] {
				t.Fatalf("%s: pixel %d differs between 1 and 4 goroutines: %v vs %v", name, i, out[0].Pix[i], out[1].Pix[i])
			}
		}
	}
}

// TestLookupSettings: a name with settings gives the named method with
// those fields replaced; bad settings are errors naming them.
func TestLookupSettings(t *testing.T) {
	d, err := Lookup("irls:lambda=1e-3,outer=4,boundary=circular")
	if err != nil {
		t.Fatal(err)
	}
	if want := (IRLS{Lambda: 1e-3, Outer: 4, Model: Model{Boundary: BoundaryCircular}}); d != want {
		t.Errorf("got %+v, want %+v", d, want)
	}
	if d, err := Lookup("hl-fast:cgiter=7"); err != nil || d != (HyperLaplacian{CGIter: 7}) {
		t.Errorf("hl-fast:cgiter=7: %+v, %v", d, err)
	}
	if Name(d) == "irls" {
		t.Error("a changed method is named as the default one")
	}
	for _, bad := range []string{"irls:lambda", "irls:lambda=x", "irls:nope=1", "wiener:boundary=twisted", "irls:outer=1.5", "magic:lambda=1"} {
		if _, err := Lookup(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

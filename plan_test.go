package deblur

import (
	"errors"
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/selfdeblur"
)

// textured returns a w x h image with edges in both directions everywhere
// (colour when rgb).
func textured(w, h int, rgb bool) image.Image {
	if rgb {
		im := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				v := uint8(60 + 120*((x/6+y/9)%2))
				im.Set(x, y, color.NRGBA{R: v, G: 255 - v, B: v / 2, A: 255})
			}
		}
		return im
	}
	im := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			im.SetGray(x, y, color.Gray{Y: uint8(60 + 120*((x/6+y/9)%2))})
		}
	}
	return im
}

// TestPlan: the choices NewPlan makes for the command's default method.
func TestPlan(t *testing.T) {
	custom := selfdeblur.Estimator{Iterations: 500}
	for _, c := range []struct {
		name           string
		w, h           int
		rgb            bool
		o              Options
		k              int
		chosen, trim   bool
		frames, eframe []int
		scale          int
		region         image.Rectangle
		rule           string
		iters          int
		finish         string
		conc, threads  int
	}{
		{name: "Levin size, size chosen", w: 255, h: 255, o: Options{Concurrency: 2},
			k: 31, chosen: true, trim: true, frames: []int{31, 19}, eframe: []int{31, 19}, scale: 1,
			region: image.Rect(0, 0, 255, 255), rule: "whole", finish: "irls", conc: 2, threads: 1},
		{name: "Levin size, size given: the centred square at 600 iterations", w: 255, h: 255, o: Options{KernelSize: 17, Concurrency: 2},
			k: 17, trim: true, frames: []int{31, 17}, eframe: []int{31, 17}, scale: 1,
			region: image.Rect(27, 27, 227, 227), rule: "center", iters: 600, finish: "irls", conc: 2, threads: 1},
		{name: "own iterations keep theirs", w: 255, h: 255, o: Options{Method: custom, KernelSize: 17, Concurrency: 4},
			k: 17, trim: true, frames: []int{31, 17}, eframe: []int{31, 17}, scale: 1,
			region: image.Rect(27, 27, 227, 227), rule: "center", finish: "irls", conc: 2, threads: 2},
		{name: "no larger generous frame", w: 255, h: 255, o: Options{KernelSize: 35, Concurrency: 1},
			k: 35, frames: []int{35, 35}, eframe: []int{19, 19}, scale: 2,
			region: image.Rect(0, 0, 254, 254), rule: "whole", finish: "irls", conc: 1, threads: 1},
		{name: "small image: whole", w: 180, h: 160, o: Options{KernelSize: 17, Concurrency: 2},
			k: 17, trim: true, frames: []int{19, 17}, eframe: []int{19, 17}, scale: 1,
			region: image.Rect(0, 0, 180, 160), rule: "whole", finish: "irls", conc: 2, threads: 1},
		{name: "photo, 75 px given: shrunk by 3, informative square", w: 1000, h: 700, rgb: true, o: Options{KernelSize: 75, Concurrency: 2},
			k: 75, frames: []int{75, 75}, eframe: []int{25, 25}, scale: 3,
			region: image.Rect(0, 0, 960, 699), rule: "informative", finish: "hyperlaplacian", conc: 2, threads: 1},
		{name: "photo, size chosen", w: 1000, h: 700, rgb: true, o: Options{Concurrency: 2},
			k: 39, chosen: true, trim: true, frames: []int{39, 23}, eframe: []int{21, 13}, scale: 2,
			rule: "informative", finish: "hyperlaplacian", conc: 2, threads: 1},
		{name: "no finish: the whole image at full size", w: 400, h: 300, o: Options{NoFinish: true, KernelSize: 45, Concurrency: 2},
			k: 45, frames: []int{45, 45}, eframe: []int{45, 45}, scale: 1,
			region: image.Rect(0, 0, 400, 300), rule: "whole", conc: 2, threads: 1},
		{name: "given region", w: 600, h: 500, o: Options{Region: image.Rect(100, 50, 300, 250), Concurrency: 2},
			k: 25, chosen: true, trim: true, frames: []int{25, 15}, eframe: []int{25, 15}, scale: 1,
			region: image.Rect(100, 50, 300, 250), rule: "given", finish: "irls", conc: 2, threads: 1},
	} {
		p, err := NewPlan(textured(c.w, c.h, c.rgb), &c.o)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if c.region.Empty() {
			c.region = p.Region // checked below for size only
			if p.Region.Dx() != 320*c.scale || p.Region.Dy() != 320*c.scale {
				t.Errorf("%s: region %v, want a %d px square", c.name, p.Region, 320*c.scale)
			}
		}
		got := []any{p.KernelSize, p.KernelSizeChosen, p.Trim, p.Frames, p.EstimateFrames, p.Scale, p.Region, p.RegionRule, p.Iterations, p.Finish, p.Concurrency, p.Threads, p.Center}
		want := []any{c.k, c.chosen, c.trim, c.frames, c.eframe, c.scale, c.region, c.rule, c.iters, c.finish, c.conc, c.threads, c.finish != ""}
		for i := range got {
			if !equalAny(got[i], want[i]) {
				t.Errorf("%s: plan %+v\nwant kernel %d chosen %v trim %v frames %v/%v scale %d region %v (%s) iterations %d finish %q concurrency %d/%d",
					c.name, p, c.k, c.chosen, c.trim, c.frames, c.eframe, c.scale, c.region, c.rule, c.iters, c.finish, c.conc, c.threads)
				break
			}
		}
	}
}

func equalAny(a, b any) bool {
	if as, ok := a.([]int); ok {
		return slices.Equal(as, b.([]int))
	}
	return a == b
}

// TestPlanInformativeRegion: on a large image, the estimation square lands
// on the only part with edges in both directions.
func TestPlanInformativeRegion(t *testing.T) {
	im := image.NewGray(image.Rect(0, 0, 900, 700))
	for i := range im.Pix {
		im.Pix[i] = 128
	}
	for y := 400; y < 650; y++ {
		for x := 500; x < 800; x++ {
			im.SetGray(x, y, color.Gray{Y: uint8(40 + 160*((x/5+y/5)%2))})
		}
	}
	p, err := NewPlan(im, &Options{KernelSize: 25})
	if err != nil {
		t.Fatal(err)
	}
	if p.RegionRule != "informative" || p.Region.Dx() != 320 || !image.Rect(520, 420, 780, 630).Overlaps(p.Region) ||
		p.Region.Min.X < 480 || p.Region.Min.Y < 330 {
		t.Errorf("region %v (%s), want a 320 px square over the texture at (500,400)-(800,650)", p.Region, p.RegionRule)
	}
}

// TestPlanMultiscale: a method that works coarse to fine (l0) takes its
// region at full size, never the centred square, and a window of ten
// kernel frames when that is larger than 320 px.
func TestPlanMultiscale(t *testing.T) {
	for _, c := range []struct {
		name   string
		w, h   int
		k      int
		region image.Rectangle
		rule   string
	}{
		{"Levin size, size given: whole, not the centre", 255, 255, 17, image.Rect(0, 0, 255, 255), "whole"},
		{"photo, 75 px: a 750 px window at full size", 1000, 700, 75, image.Rect(0, 0, 750, 700), "informative"},
		{"photo, 25 px: a 320 px window", 1000, 700, 25, image.Rect(0, 0, 320, 320), "informative"},
	} {
		p, err := NewPlan(textured(c.w, c.h, false), &Options{Method: l0.Estimator{}, KernelSize: c.k})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if p.Scale != 1 || p.RegionRule != c.rule || p.Region.Dx() != c.region.Dx() || p.Region.Dy() != c.region.Dy() || p.Iterations != 0 {
			t.Errorf("%s: scale %d, region %v (%s), iterations %d; want scale 1, a region of %v (%s), the method's iterations",
				c.name, p.Scale, p.Region, p.RegionRule, p.Iterations, c.region.Size(), c.rule)
		}
	}
}

// TestPlanGenerative: a generative prior takes the whole image at its
// generator's size, its own frame and image; other sizes, colour and the
// options it fixes are refused before any work.
func TestPlanGenerative(t *testing.T) {
	gi, err := pretrained.DigitVAE()
	if err != nil {
		t.Fatal(err)
	}
	gk, err := pretrained.KernelVAE()
	if err != nil {
		t.Fatal(err)
	}
	m := genprior.Estimator{Image: gi, Kernel: gk}
	p, err := NewPlan(textured(28, 28, false), &Options{Method: m})
	if err != nil {
		t.Fatal(err)
	}
	if p.Method != "deep-deblur" || p.RegionRule != "whole" || p.Finish != "" || p.Center || p.Trim || p.Scale != 1 {
		t.Errorf("plan %+v", p)
	}
	for name, c := range map[string]struct {
		im   image.Image
		o    Options
		want error
	}{
		"30x30":       {textured(30, 30, false), Options{Method: m}, ErrImageSize},
		"colour":      {textured(28, 28, true), Options{Method: m}, ErrImageSize},
		"kernel size": {textured(28, 28, false), Options{Method: m, KernelSize: 9}, ErrOptions},
		"region":      {textured(28, 28, false), Options{Method: m, Region: image.Rect(0, 0, 20, 20)}, ErrOptions},
		"no image":    {textured(28, 28, false), Options{Method: genprior.Estimator{Kernel: gk}}, ErrOptions},
	} {
		if _, err := NewPlan(c.im, &c.o); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}

// TestPlanKernelPrior: the kernel prior's frame is its decoder's: the
// chosen size is capped at 27 px, a larger given one refused, and the fits
// share the given frame.
func TestPlanKernelPrior(t *testing.T) {
	dec, err := pretrained.KernelVAE()
	if err != nil {
		t.Fatal(err)
	}
	m := selfdeblur.Estimator{KernelNet: selfdeblur.KernelPrior, KernelDecoder: dec}
	p, err := NewPlan(textured(255, 255, false), &Options{Method: m})
	if err != nil {
		t.Fatal(err)
	}
	if p.KernelSize != 27 || !slices.Equal(p.Frames, []int{27, 17}) {
		t.Errorf("chosen size %d, frames %v; want 27, [27 17]", p.KernelSize, p.Frames)
	}
	if p, err = NewPlan(textured(255, 255, false), &Options{Method: m, KernelSize: 21}); err != nil || !slices.Equal(p.Frames, []int{21, 21}) || p.Trim {
		t.Errorf("given 21: frames %v, trim %v, %v", p.Frames, p.Trim, err)
	}
	if _, err := NewPlan(textured(255, 255, false), &Options{Method: m, KernelSize: 31}); !errors.Is(err, ErrOptions) {
		t.Errorf("31 px with the kernel prior: %v", err)
	}
}

func TestEstimateScale(t *testing.T) {
	for _, c := range []struct{ k, max, side, f int }{
		{27, 31, 500, 1}, {31, 31, 500, 1}, {51, 31, 500, 2}, {55, 31, 500, 2},
		{75, 31, 500, 3}, {75, 41, 500, 2}, {19, 9, 500, 3},
		// Too small at 3 (16 + 7 - 1 < 33), fine at 2 (25 + 11 - 1).
		{19, 9, 50, 2},
		// Too small at any factor: full size.
		{9, 5, 24, 1},
	} {
		if f := estimateScale(c.k, c.max, c.side, c.side+10, 33); f != c.f {
			t.Errorf("estimateScale(%d, %d, %d) = %d; want %d", c.k, c.max, c.side, f, c.f)
		}
	}
}

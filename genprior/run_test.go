package genprior

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/tensor"
)

// solver runs one of the algorithms with short settings and the given seed
// and recorder.
type solver struct {
	name string
	run  func(ctx context.Context, y *imageio.Image, gi, gk Generator, steps int, seed uint64, rec progress.Recorder) (*Result, error)
}

var solvers = []solver{
	{"alg1", func(ctx context.Context, y *imageio.Image, gi, gk Generator, steps int, seed uint64, rec progress.Recorder) (*Result, error) {
		s := testAlg1()
		s.Steps, s.Seed, s.Recorder, s.ReportEvery = steps, seed, rec, 1
		return Deblur(ctx, y, gi, gk, s)
	}},
	{"alg2", func(ctx context.Context, y *imageio.Image, gi, gk Generator, steps int, seed uint64, rec progress.Recorder) (*Result, error) {
		s := testAlg2()
		s.Steps, s.Seed, s.Recorder, s.ReportEvery = steps, seed, rec, 1
		return DeblurSlack(ctx, y, gi, gk, s)
	}},
}

func smallCase() (*imageGen, *kernelGen, synthetic) {
	gi, gk := newImageGen(nn.NewRand(3), 6, 1, 12, 12), newKernelGen()
	return gi, gk, makeCase(4, gi, gk)
}

func imagesEqual(a, b *imageio.Image) bool {
	for i, p := range a.Channels {
		if !slices.Equal(p.Pix, b.Channels[i].Pix) {
			return false
		}
	}
	return len(a.Channels) == len(b.Channels)
}

// TestSameSeedSameOutput: a seed fixes every draw, so two runs agree bit
// for bit; another seed gives another result.
func TestSameSeedSameOutput(t *testing.T) {
	gi, gk, c := smallCase()
	for _, sv := range solvers {
		run := func(seed uint64) *Result {
			r, err := sv.run(context.Background(), c.blurry, gi, gk, 20, seed, nil)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		a, b, d := run(5), run(5), run(6)
		if !imagesEqual(a.Image, b.Image) || !slices.Equal(a.Kernel.Pix, b.Kernel.Pix) || !slices.Equal(a.Losses, b.Losses) {
			t.Errorf("%s: same seed gave different outputs", sv.name)
		}
		if imagesEqual(a.Image, d.Image) {
			t.Errorf("%s: different seeds gave identical images", sv.name)
		}
	}
}

// TestResultContract checks the shapes and invariants of a result.
func TestResultContract(t *testing.T) {
	gi, gk, c := smallCase()
	for _, sv := range solvers {
		var reports []progress.Event
		res, err := sv.run(context.Background(), c.blurry, gi, gk, 7, 1, progress.Func(func(p progress.Event) { reports = append(reports, p) }))
		if err != nil {
			t.Fatal(err)
		}
		if res.Iterations != 7 || len(res.Losses) != 7 || len(res.Residuals) != 10 {
			t.Errorf("%s: %d iterations, %d losses, %d residuals", sv.name, res.Iterations, len(res.Losses), len(res.Residuals))
		}
		if res.Residuals[res.Best] != slices.Min(res.Residuals) {
			t.Errorf("%s: best restart %d is not the smallest residual of %v", sv.name, res.Best, res.Residuals)
		}
		if res.Kernel.W != 9 || res.Kernel.H != 9 || math.Abs(res.Kernel.Sum()-1) > 1e-9 || !(res.KernelSum > 0) {
			t.Errorf("%s: kernel %dx%d sums to %v (raw %v)", sv.name, res.Kernel.W, res.Kernel.H, res.Kernel.Sum(), res.KernelSum)
		}
		for _, im := range []*imageio.Image{res.Image, res.Range} {
			if len(im.Channels) != 1 || im.W() != 12 || im.H() != 12 || slices.Min(im.Channels[0].Pix) < 0 || slices.Max(im.Channels[0].Pix) > 1 {
				t.Errorf("%s: bad output image", sv.name)
			}
		}
		if len(reports) != 7 || !reports[6].Finished || reports[6].Iter != 7 || reports[0].Total != 7 {
			t.Errorf("%s: reports %+v", sv.name, reports)
		}
	}
}

func TestCancelReturnsPartialResult(t *testing.T) {
	gi, gk, c := smallCase()
	for _, sv := range solvers {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		res, err := sv.run(ctx, c.blurry, gi, gk, 1000, 1, progress.Func(func(progress.Event) {
			if n++; n == 5 {
				cancel()
			}
		}))
		cancel()
		if !errors.Is(err, context.Canceled) || res == nil {
			t.Fatalf("%s: cancelled run gave result %v, error %v", sv.name, res != nil, err)
		}
		if res.Iterations != 5 || res.Image == nil || math.Abs(res.Kernel.Sum()-1) > 1e-9 {
			t.Errorf("%s: cancelled after %d iterations, kernel sum %v", sv.name, res.Iterations, res.Kernel.Sum())
		}
	}
}

// nanGen wraps a generator and makes its output NaN from the given call
// on (counting calls with a tape).
type nanGen struct {
	Generator
	from, calls int
}

func (g *nanGen) Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor {
	out := g.Generator.Forward(tp, z)
	if tp == nil {
		return out
	}
	if g.calls++; g.calls >= g.from {
		return tensor.Scale(tp, out, float32(math.NaN()))
	}
	return out
}

// TestDivergenceIsAnError: a NaN objective stops the run with ErrDiverged
// and returns the last finite state.
func TestDivergenceIsAnError(t *testing.T) {
	gi, gk, c := smallCase()
	for _, sv := range solvers {
		bad := &nanGen{Generator: gi, from: 4}
		res, err := sv.run(context.Background(), c.blurry, bad, gk, 100, 1, nil)
		if !errors.Is(err, blind.ErrDiverged) || res == nil {
			t.Fatalf("%s: result %v, error %v", sv.name, res != nil, err)
		}
		if res.Iterations < 1 || res.Iterations > 3 || !finiteImage(res.Image) || math.IsNaN(res.Residuals[res.Best]) {
			t.Errorf("%s: diverged run: %d iterations, residuals %v", sv.name, res.Iterations, res.Residuals)
		}
	}
}

func finiteImage(im *imageio.Image) bool {
	for _, p := range im.Channels {
		for _, v := range p.Pix {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

func TestRejectsBadInput(t *testing.T) {
	gi, gk, c := smallCase()
	gray := c.blurry
	colour := &imageio.Image{Channels: []*plane.Plane{gray.Channels[0], gray.Channels[0].Clone(), gray.Channels[0].Clone()}}
	wrongSize := &imageio.Image{Channels: []*plane.Plane{plane.New(12, 13)}}
	nan := gray.Clone()
	nan.Channels[0].Pix[3] = math.NaN()
	cases := []struct {
		name   string
		y      *imageio.Image
		gi, gk Generator
	}{
		{"kernel larger than image", newImageGen(nn.NewRand(1), 3, 1, 8, 8).blank(), newImageGen(nn.NewRand(1), 3, 1, 8, 8), gk},
		{"wrong channel count", colour, gi, gk},
		{"wrong image size", wrongSize, gi, gk},
		{"non-finite sample", nan, gi, gk},
		{"no image", &imageio.Image{}, gi, gk},
		{"no generator", gray, nil, gk},
		{"kernel generator with channels", gray, gi, newImageGen(nn.NewRand(1), 3, 2, 4, 4)},
	}
	for _, sv := range solvers {
		for _, tc := range cases {
			if _, err := sv.run(context.Background(), tc.y, tc.gi, tc.gk, 3, 1, nil); err == nil {
				t.Errorf("%s, %s: no error", sv.name, tc.name)
			}
		}
	}
	s1 := Alg1Defaults()
	s1.Restarts = 0
	s2 := Alg2Defaults()
	s2.LR = math.NaN()
	if _, err := Deblur(context.Background(), gray, gi, gk, s1); err == nil {
		t.Error("alg1: zero restarts accepted")
	}
	if _, err := DeblurSlack(context.Background(), gray, gi, gk, s2); err == nil {
		t.Error("alg2: NaN learning rate accepted")
	}
}

func TestArgmin(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		v    []float64
		want int
	}{{[]float64{3, 1, 2}, 1}, {[]float64{nan, 5, 4}, 2}, {[]float64{1, nan, 0.5}, 2}, {[]float64{nan, nan}, 0}} {
		if got := argmin(tc.v); got != tc.want {
			t.Errorf("argmin(%v) = %d, want %d", tc.v, got, tc.want)
		}
	}
}

package trajectory

import (
	"math"
	"math/cmplx"
	"slices"
	"strings"
	"testing"

	"github.com/deblur/deblur/nn"
)

func TestValidate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default: %v", err)
	}
	d := Default()
	for _, c := range []struct {
		change func(*Params)
		want   string
	}{
		{func(p *Params) { p.Size = 2 }, "size 2"},
		{func(p *Params) { p.Samples = 1 }, "1 samples"},
		{func(p *Params) { p.Anxiety = -0.1 }, "anxiety"},
		{func(p *Params) { p.Anxiety = 1.5 }, "anxiety"},
		{func(p *Params) { p.Anxiety = math.NaN() }, "anxiety"},
		{func(p *Params) { p.MinLength = 0 }, "positive"},
		{func(p *Params) { p.MaxLength = math.Inf(1) }, "finite"},
		{func(p *Params) { p.MinLength, p.MaxLength = 10, 9 }, "exceeds maximum"},
		{func(p *Params) { p.MaxLength = 28.5 }, "frame size 28"},
	} {
		p := d
		c.change(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error mentioning %q", p, err, c.want)
		}
		if _, err := Random(nn.NewRand(1), p); err == nil {
			t.Errorf("%+v: Random accepted it", p)
		}
		if _, _, err := Kernels(nn.NewRand(1), 1, p); err == nil {
			t.Errorf("%+v: Kernels accepted it", p)
		}
	}
}

// TestRandomPaths checks the shape of drawn paths: Samples points, equal
// steps adding up to Length, centroid at 0, bounding box inside the frame.
func TestRandomPaths(t *testing.T) {
	rng := nn.NewRand(7)
	for _, p := range []Params{Default(), {Size: 15, Samples: 30, Anxiety: 0.1, MinLength: 1, MaxLength: 15}} {
		for range 300 {
			tr, err := Random(rng, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Points) != p.Samples || tr.Length < p.MinLength || tr.Length > p.MaxLength {
				t.Fatalf("%+v: %d points, length %v", p, len(tr.Points), tr.Length)
			}
			step, sum := tr.Length/float64(p.Samples-1), 0.0
			for i := 1; i < len(tr.Points); i++ {
				d := cmplx.Abs(tr.Points[i] - tr.Points[i-1])
				if math.Abs(d-step) > 1e-9 {
					t.Fatalf("%+v: step %d is %v, want %v", p, i, d, step)
				}
				sum += d
			}
			if math.Abs(sum-tr.Length) > 1e-9 || cmplx.Abs(tr.Centroid()) > 1e-9 {
				t.Fatalf("%+v: path length %v (want %v), centroid %v", p, sum, tr.Length, tr.Centroid())
			}
			if w, h := extent(tr.Points); w > float64(p.Size-1) || h > float64(p.Size-1) {
				t.Fatalf("%+v: %vx%v px bounding box", p, w, h)
			}
		}
	}
}

// TestLongStraightPathsFit draws straight lines (anxiety 0) of lengths near
// the frame size; about a third of their orientations do not fit, so this
// fails unless such paths are redrawn.
func TestLongStraightPathsFit(t *testing.T) {
	p := Params{Size: 28, Samples: 20, Anxiety: 0, MinLength: 27.5, MaxLength: 28}
	rng := nn.NewRand(3)
	for range 200 {
		tr, err := Random(rng, p)
		if err != nil {
			t.Fatal(err)
		}
		if w, h := extent(tr.Points); w > 27 || h > 27 {
			t.Fatalf("%vx%v px path in a 28 px frame", w, h)
		}
		if _, err := tr.Kernel(28); err != nil {
			t.Fatal(err)
		}
	}
}

// ksUniform returns the Kolmogorov-Smirnov statistic of xs against the
// uniform distribution on [lo, hi].
func ksUniform(xs []float64, lo, hi float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n, d := float64(len(s)), 0.0
	for i, x := range s {
		f := (x - lo) / (hi - lo)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	return d
}

func TestLengthsUniform(t *testing.T) {
	const n = 2000
	p := Default()
	_, lengths, err := Kernels(nn.NewRand(11), n, p)
	if err != nil {
		t.Fatal(err)
	}
	// Critical value of the KS test at significance 0.001.
	crit := 1.95 / math.Sqrt(n)
	d := ksUniform(lengths, p.MinLength, p.MaxLength)
	mean := 0.0
	for _, l := range lengths {
		mean += l / n
	}
	se := (p.MaxLength - p.MinLength) / math.Sqrt(12*n)
	lo, hi := slices.Min(lengths), slices.Max(lengths)
	t.Logf("KS %.4f (critical %.4f), mean %.3f ± %.3f, range [%.3f, %.3f]", d, crit, mean, se, lo, hi)
	if d > crit {
		t.Errorf("lengths are not uniform: KS statistic %.4f > %.4f", d, crit)
	}
	if math.Abs(mean-(p.MinLength+p.MaxLength)/2) > 4*se {
		t.Errorf("mean length %.3f, want %.3f ± %.3f", mean, (p.MinLength+p.MaxLength)/2, 4*se)
	}
	if lo < p.MinLength || hi > p.MaxLength || lo > p.MinLength+0.2 || hi < p.MaxLength-0.2 {
		t.Errorf("lengths span [%v, %v], want nearly all of [%v, %v]", lo, hi, p.MinLength, p.MaxLength)
	}
	// The test has power: the same draws pushed towards short lengths fail.
	skewed := make([]float64, n)
	for i, l := range lengths {
		u := (l - p.MinLength) / (p.MaxLength - p.MinLength)
		skewed[i] = p.MinLength + (p.MaxLength-p.MinLength)*math.Pow(u, 1.2)
	}
	if ds := ksUniform(skewed, p.MinLength, p.MaxLength); ds <= crit {
		t.Errorf("KS statistic %.4f of a skewed sample does not exceed %.4f", ds, crit)
	}
}

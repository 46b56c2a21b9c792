package trajectory

import (
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
)

// moments returns the centre of mass of k and the eigenvalues (largest
// first) of its covariance.
func moments(k *plane.Plane) (cx, cy, l1, l2 float64) {
	var sxx, syy, sxy float64
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			v := k.At(x, y)
			cx += v * float64(x)
			cy += v * float64(y)
		}
	}
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			v, dx, dy := k.At(x, y), float64(x)-cx, float64(y)-cy
			sxx, syy, sxy = sxx+v*dx*dx, syy+v*dy*dy, sxy+v*dx*dy
		}
	}
	m, d := (sxx+syy)/2, math.Hypot((sxx-syy)/2, sxy)
	return cx, cy, m + d, m - d
}

func borderMass(k *plane.Plane) float64 {
	s := 0.0
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			if x == 0 || y == 0 || x == k.W-1 || y == k.H-1 {
				s += k.At(x, y)
			}
		}
	}
	return s
}

// TestKernelProperties checks Default kernels: sum 1, non-negative, no mass
// on the border for lengths up to Size-3, centre of mass in the middle
// (exactly for lengths up to (Size-1)/2, which cannot need moving).
func TestKernelProperties(t *testing.T) {
	p := Default()
	ks, lengths, err := Kernels(nn.NewRand(5), 1000, p)
	if err != nil {
		t.Fatal(err)
	}
	mid := float64(p.Size-1) / 2
	var off, offMax float64
	var exact, interior int
	for i, k := range ks {
		if k.W != p.Size || k.H != p.Size || math.Abs(k.Sum()-1) > 1e-9 {
			t.Fatalf("kernel %d: %dx%d, sum %v", i, k.W, k.H, k.Sum())
		}
		for _, v := range k.Pix {
			if !(v >= 0) {
				t.Fatalf("kernel %d has sample %v", i, v)
			}
		}
		cx, cy, _, _ := moments(k)
		d := math.Hypot(cx-mid, cy-mid)
		off, offMax = off+d/float64(len(ks)), max(offMax, d)
		if lengths[i] <= mid {
			exact++
			if d > 1e-9 {
				t.Errorf("kernel %d (length %.2f): centre of mass (%v, %v), want (%v, %v)", i, lengths[i], cx, cy, mid, mid)
			}
		}
		if lengths[i] <= float64(p.Size-3) {
			interior++
			if b := borderMass(k); b != 0 {
				t.Errorf("kernel %d (length %.2f): %v of its mass on the border", i, lengths[i], b)
			}
		}
	}
	t.Logf("centre of mass off the middle by %.3f px on average, at most %.3f; %d exact, %d interior", off, offMax, exact, interior)
	if off > 0.05 || offMax > 1.5 || exact < 300 || interior < 800 {
		t.Errorf("centre of mass off by %.3f px on average (want <= 0.05), at most %.3f (want <= 1.5); %d exact, %d interior cases", off, offMax, exact, interior)
	}
}

// TestKernelStraightLine: without anxiety the path is a straight segment
// and its kernel's variance along the segment is L²/12 plus at most the
// 1/4 px² that bilinear splatting adds.
func TestKernelStraightLine(t *testing.T) {
	p := Params{Size: 31, Samples: 50, Anxiety: 0, MinLength: 3, MaxLength: 25}
	rng := nn.NewRand(9)
	for range 50 {
		tr, err := Random(rng, p)
		if err != nil {
			t.Fatal(err)
		}
		a, b := tr.Points[0], tr.Points[len(tr.Points)-1]
		if math.Abs(cmplx.Abs(b-a)-tr.Length) > 1e-9 {
			t.Fatalf("end-to-end %v, length %v: not straight", cmplx.Abs(b-a), tr.Length)
		}
		k, err := tr.Kernel(p.Size)
		if err != nil {
			t.Fatal(err)
		}
		_, _, l1, l2 := moments(k)
		want := tr.Length * tr.Length / 12
		if l1 < want-1e-3 || l1 > want+0.25 || l2 > 0.25 {
			t.Errorf("length %.2f: variances %.4f, %.4f; want %.4f..%.4f and at most 0.25", tr.Length, l1, l2, want, want+0.25)
		}
	}
}

// TestKernelExtentGrowsWithLength: the RMS radius of the kernels grows with
// the drawn length, bin by bin.
func TestKernelExtentGrowsWithLength(t *testing.T) {
	p := Default()
	ks, lengths, err := Kernels(nn.NewRand(13), 1000, p)
	if err != nil {
		t.Fatal(err)
	}
	const bins = 6
	var sum [bins]float64
	var cnt [bins]int
	for i, k := range ks {
		_, _, l1, l2 := moments(k)
		b := min(bins-1, int(bins*(lengths[i]-p.MinLength)/(p.MaxLength-p.MinLength)))
		sum[b] += math.Sqrt(l1 + l2)
		cnt[b]++
	}
	prev := 0.0
	for b := range bins {
		mean := sum[b] / float64(cnt[b])
		t.Logf("lengths %.1f..%.1f: mean RMS radius %.3f px (%d kernels)", p.MinLength+float64(b)*(p.MaxLength-p.MinLength)/bins, p.MinLength+float64(b+1)*(p.MaxLength-p.MinLength)/bins, mean, cnt[b])
		if mean <= prev {
			t.Errorf("bin %d: mean RMS radius %.3f does not exceed the previous bin's %.3f", b, mean, prev)
		}
		prev = mean
	}
}

func TestKernelsDeterministic(t *testing.T) {
	a, la, _ := Kernels(nn.NewRand(42), 50, Default())
	b, lb, _ := Kernels(nn.NewRand(42), 50, Default())
	c, lc, _ := Kernels(nn.NewRand(43), 50, Default())
	same, differ := true, false
	for i := range a {
		same = same && la[i] == lb[i]
		differ = differ || la[i] != lc[i]
		for j := range a[i].Pix {
			same = same && a[i].Pix[j] == b[i].Pix[j]
			differ = differ || a[i].Pix[j] != c[i].Pix[j]
		}
	}
	if !same || !differ {
		t.Errorf("same seed gives identical kernels: %v; another seed gives different ones: %v", same, differ)
	}
}

func TestKernelSinglePointAndErrors(t *testing.T) {
	k, err := Trajectory{Points: []complex128{3 + 4i}}.Kernel(5)
	if err != nil || k.At(2, 2) != 1 || k.Sum() != 1 {
		t.Fatalf("single point: %v, %v", k, err)
	}
	line := func(l float64) Trajectory { return Trajectory{Points: []complex128{0, complex(l, 0)}, Length: l} }
	if _, err := line(9).Kernel(10); err != nil { // 9 = size-1 px: fits, touching the border
		t.Errorf("9 px line in a 10 px kernel: %v", err)
	}
	for _, c := range []struct {
		tr   Trajectory
		size int
		want string
	}{
		{line(2), 1, "size 1"},
		{Trajectory{}, 5, "empty"},
		{Trajectory{Points: []complex128{0, complex(math.NaN(), 0)}}, 5, "point 1"},
		{line(9.01), 10, "wide path"},
		{Trajectory{Points: []complex128{0, 5i}}, 5, "high path"},
	} {
		if _, err := c.tr.Kernel(c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v at size %d: got %v, want an error mentioning %q", c.tr.Points, c.size, err, c.want)
		}
	}
	if _, _, err := Kernels(nn.NewRand(1), -1, Default()); err == nil {
		t.Error("Kernels(-1) gave no error")
	}
}

// BenchmarkKernels draws 1,000 Default kernels per op; -benchtime 60x makes
// the 60,000 of a training set.
func BenchmarkKernels(b *testing.B) {
	rng := nn.NewRand(1)
	for b.Loop() {
		if _, _, err := Kernels(rng, 1000, Default()); err != nil {
			b.Fatal(err)
		}
	}
}

package bench

import (
	"math"
	"slices"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/mnist"
	"github.com/deblur/deblur/plane"
)

func mnistData(t *testing.T, o MNISTOptions) *Dataset {
	t.Helper()
	d, err := MNIST(needData(t, "mnist"), o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func loadAll(t *testing.T, d *Dataset) []*Sample {
	t.Helper()
	var out []*Sample
	for _, c := range d.Cases() {
		s, err := c.Load()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestMNISTCases checks the benchmark's data: held-out digits in order,
// normalised kernels, the circular blur plus 1 % noise, determinism, and
// that the seed changes kernels and noise.
func TestMNISTCases(t *testing.T) {
	d := mnistData(t, DefaultMNIST())
	cases := d.Cases()
	if len(cases) != 80 || cases[0].Name != "digit0000" || cases[79].Name != "digit0079" || cases[0].KernelSize != 19 {
		t.Fatalf("%d cases, first %q, last %q", len(cases), cases[0].Name, cases[len(cases)-1].Name)
	}
	set, err := mnist.ReadDir(needData(t, "mnist"))
	if err != nil {
		t.Fatal(err)
	}
	_, held := set.HoldOut()
	var sum, sum2 float64
	n := 0
	samples := loadAll(t, d)
	for i, s := range samples {
		for j, v := range held.Image(i) {
			if s.Sharp.Channels[0].Pix[j] != float64(v) {
				t.Fatalf("case %d is not held-out digit %d", i, i)
			}
		}
		if cases[i].Category != string(rune('0'+held.Labels[i])) {
			t.Errorf("case %d: category %q, label %d", i, cases[i].Category, held.Labels[i])
		}
		if k := s.Kernel; k.W != 28 || math.Abs(k.Sum()-1) > 1e-12 {
			t.Fatalf("case %d: kernel %dx%d sums to %v", i, k.W, k.H, k.Sum())
		}
		clean, err := blur.CircularConvolve(s.Sharp.Channels[0], s.Kernel)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range clean.Pix {
			b := s.Blurry.Channels[0].Pix[j]
			if b < 0 || b > 1 {
				t.Fatalf("case %d: blurry sample %v outside [0, 1]", i, b)
			}
			if v > 0.05 && v < 0.95 {
				sum += b - v
				sum2 += (b - v) * (b - v)
				n++
			}
		}
		again, err := s.Degrade(s.Sharp)
		if err != nil || !slices.Equal(again.Channels[0].Pix, s.Blurry.Channels[0].Pix) {
			t.Fatalf("case %d: Degrade does not reproduce the blurry image (%v)", i, err)
		}
	}
	mean := sum / float64(n)
	std := math.Sqrt(sum2/float64(n) - mean*mean)
	t.Logf("noise over %d unclipped samples: mean %.5f std %.5f", n, mean, std)
	if n < 5000 || math.Abs(std-0.01) > 0.0005 || math.Abs(mean) > 0.0005 {
		t.Errorf("noise mean %.5f std %.5f over %d samples, want 0 and 0.01", mean, std, n)
	}
	// Deterministic, and another seed gives other kernels and noise.
	same := loadAll(t, mnistData(t, DefaultMNIST()))
	o := DefaultMNIST()
	o.Seed++
	other := loadAll(t, mnistData(t, o))
	for i := range samples {
		if !slices.Equal(samples[i].Blurry.Channels[0].Pix, same[i].Blurry.Channels[0].Pix) {
			t.Fatalf("case %d differs between two loads", i)
		}
		if slices.Equal(samples[i].Kernel.Pix, other[i].Kernel.Pix) {
			t.Fatalf("case %d: seed %d and %d give the same kernel", i, DefaultMNIST().Seed, o.Seed)
		}
	}
}

// spread returns the kernel's second central moment (mean squared distance
// of its mass from its centroid).
func spread(k *plane.Plane) float64 {
	var cx, cy float64
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			cx += float64(x) * k.At(x, y)
			cy += float64(y) * k.At(x, y)
		}
	}
	m := 0.0
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			m += ((float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)) * k.At(x, y)
		}
	}
	return m
}

// TestMNISTOptions checks the noise level and the fixed blur length of the
// sweeps, and that bad options are refused.
func TestMNISTOptions(t *testing.T) {
	o := DefaultMNIST()
	o.N, o.Noise = 10, 0
	clean := loadAll(t, mnistData(t, o))
	for i, s := range clean {
		ref, err := blur.CircularConvolve(s.Sharp.Channels[0], s.Kernel)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range ref.Pix {
			if math.Abs(min(1, max(0, v))-s.Blurry.Channels[0].Pix[j]) > 1e-12 {
				t.Fatalf("noise 0, case %d: blurry is not the clipped circular blur", i)
			}
		}
	}
	short, long := o, o
	short.Length, long.Length = 5, 28
	ss, ls := loadAll(t, mnistData(t, short)), loadAll(t, mnistData(t, long))
	for i := range ss {
		if a, b := spread(ss[i].Kernel), spread(ls[i].Kernel); !(b > 4*a) {
			t.Errorf("case %d: 28-px kernel spread %.2f, 5-px %.2f: want far larger", i, b, a)
		}
	}
	for _, bad := range []MNISTOptions{
		{N: 0, Noise: 0.01, KernelSize: 19}, {N: 1001, Noise: 0.01, KernelSize: 19},
		{N: 5, Noise: -0.1, KernelSize: 19}, {N: 5, Noise: math.NaN(), KernelSize: 19},
		{N: 5, Noise: 0.01, KernelSize: 2}, {N: 5, Noise: 0.01, KernelSize: 29},
		{N: 5, Noise: 0.01, KernelSize: 19, Length: 29}, {N: 5, Noise: 0.01, KernelSize: 19, Length: -1},
	} {
		if _, err := MNIST(needData(t, "mnist"), bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := MNIST(t.TempDir(), DefaultMNIST()); err == nil {
		t.Error("an empty folder accepted")
	}
}

// TestMNISTScoring: a circularly shifted copy of the sharp digit scores
// as identical, the dataset's protocol being the circular one.
func TestMNISTScoring(t *testing.T) {
	d := mnistData(t, MNISTOptions{N: 1, Noise: 0.01, Seed: 1, KernelSize: 19})
	s := loadAll(t, d)[0]
	gt := s.Sharp.Channels[0]
	sh := plane.New(28, 28)
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			sh.Set((x+2)%28, (y+27)%28, gt.At(x, y))
		}
	}
	r, err := d.Score(imageio.NewGray(sh), s.Sharp)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(r.PSNR, 1) || r.DX != 2 || r.DY != -1 {
		t.Errorf("shifted digit: %+v", r)
	}
}

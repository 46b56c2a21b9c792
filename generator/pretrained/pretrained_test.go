package pretrained

import (
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"

	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/mnist"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// sumNormRelErr returns ||a/sum(a) - b/sum(b)||^2 / ||a/sum(a)||^2: the
// error of kernel b as an estimate of kernel a once both are normalised.
func sumNormRelErr(a, b []float32) float64 {
	var sa, sb float64
	for j := range a {
		sa += float64(a[j])
		sb += float64(b[j])
	}
	var num, den float64
	for j := range a {
		x, y := float64(a[j])/sa, float64(b[j])/math.Max(sb, 1e-30)
		num += (x - y) * (x - y)
		den += x * x
	}
	return num / den
}

// topMass returns the share of k's total held by its largest 5% of pixels.
func topMass(k []float32) float64 {
	v := make([]float64, len(k))
	s := 0.0
	for i, x := range k {
		v[i] = float64(x)
		s += v[i]
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(v)))
	top := 0.0
	for _, x := range v[:len(v)/20] {
		top += x
	}
	return top / s
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// TestPretrainedKernelVAE checks the shipped kernel VAE on 500 fresh
// kernels (a seed training never used) and 500 random latent vectors.
// Measured when the weights were shipped: reconstruction error 0.038
// (bound 0.06; 1.73 against another kernel's reconstruction), median share
// of the mass in the top 5% of pixels 0.967 (bound 0.9; real kernels
// 0.999), median centroid (13.45, 13.51) (bound: within 1.5 px of the
// centre).
func TestPretrainedKernelVAE(t *testing.T) {
	m, err := KernelVAE()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config() != generator.DefaultKernelVAE() {
		t.Fatalf("config %+v", m.Config())
	}
	const n, per = 500, generator.KernelSize * generator.KernelSize
	held, err := generator.SynthKernels(rand.New(rand.NewPCG(2024, 7)), n)
	if err != nil {
		t.Fatal(err)
	}
	r := generator.Reconstruct(m, held)
	var own, other float64
	for i := range n {
		k := held.Data[i*per : (i+1)*per]
		own += sumNormRelErr(k, r.Data[i*per:(i+1)*per]) / n
		j := (i + 1) % n
		other += sumNormRelErr(k, r.Data[j*per:(j+1)*per]) / n
	}
	t.Logf("held-out kernels: relative squared error %.4f of their own reconstruction, %.4f of another's", own, other)
	if own > 0.06 || other < 10*own {
		t.Errorf("reconstruction error %.4f (bound 0.06), %.4f for mismatched pairs", own, other)
	}

	s := m.Forward(nil, randomLatent(77, n, m.LatentDim()))
	var mass, cx, cy []float64
	for i := range n {
		k := s.Data[i*per : (i+1)*per]
		sum, mx, my := 0.0, 0.0, 0.0
		for j, v := range k {
			if v < 0 {
				t.Fatalf("sample %d has a negative value %v", i, v)
			}
			sum += float64(v)
			mx += float64(v) * float64(j%generator.KernelSize)
			my += float64(v) * float64(j/generator.KernelSize)
		}
		if !(sum > 0) {
			t.Fatalf("sample %d is all zero", i)
		}
		mass = append(mass, topMass(k))
		cx, cy = append(cx, mx/sum), append(cy, my/sum)
	}
	var real []float64
	for i := range n {
		real = append(real, topMass(held.Data[i*per:(i+1)*per]))
	}
	t.Logf("share of mass in the top 5%% of pixels: samples median %.3f, real kernels %.3f; sample centroid median (%.2f, %.2f)",
		median(mass), median(real), median(cx), median(cy))
	if median(mass) < 0.9 {
		t.Errorf("samples are diffuse: median top-5%% mass %.3f", median(mass))
	}
	if c := float64(generator.KernelSize-1) / 2; math.Abs(median(cx)-c) > 1.5 || math.Abs(median(cy)-c) > 1.5 {
		t.Errorf("samples are off-centre: median centroid (%.2f, %.2f)", median(cx), median(cy))
	}
}

// TestPretrainedDigitVAE checks the shipped digit VAE on the 1,000
// held-out MNIST digits (when the data is present): per-pixel MSE of the
// reconstructions (measured 0.0090 when shipped, bound 0.012; the mean
// training image scores 0.068), and random samples in [0, 1] with about
// the data's mean intensity.
func TestPretrainedDigitVAE(t *testing.T) {
	m, err := DigitVAE()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config() != generator.DefaultDigitVAE() {
		t.Fatalf("config %+v", m.Config())
	}
	smp := m.Forward(nil, randomLatent(77, 500, m.LatentDim()))
	avg := 0.0
	for _, v := range smp.Data {
		if v < 0 || v > 1 {
			t.Fatalf("sample value %v outside [0, 1]", v)
		}
		avg += float64(v) / float64(smp.Len())
	}
	if avg < 0.08 || avg > 0.2 {
		t.Errorf("samples' mean intensity %.3f (MNIST: 0.13)", avg)
	}

	dir := testfiles.Shared(t, "mnist")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no MNIST data:", err)
	}
	s, err := mnist.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, held := s.HoldOut()
	x := generator.MNISTTensor(held)
	r := generator.Reconstruct(m, x)
	mse := 0.0
	for i, v := range x.Data {
		d := float64(v - r.Data[i])
		mse += d * d
	}
	mse /= float64(x.Len())
	t.Logf("held-out digits: reconstruction MSE %.5f per pixel; samples' mean intensity %.3f", mse, avg)
	if mse > 0.012 {
		t.Errorf("reconstruction MSE %.5f, bound 0.012", mse)
	}
}

// TestPretrainedCopiesAreIndependent: each call parses its own copy.
func TestPretrainedCopiesAreIndependent(t *testing.T) {
	a, err := DigitVAE()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := DigitVAE()
	a.Params()[0].T.Data[0] += 1
	if a.Params()[0].T.Data[0] == b.Params()[0].T.Data[0] {
		t.Error("two calls share their weights")
	}
}

func randomLatent(seed uint64, n, dim int) *tensor.Tensor {
	z := tensor.New(n, dim)
	nn.Normal(nn.NewRand(seed), z, 0, 1)
	return z
}

// TestPretrainedShoeDCGAN: the shipped shoe generator makes 32x32 gray
// images in [0, 1] that differ from one latent to the next, with a mean
// intensity like the training shoes' (Fashion-MNIST's sandals, sneakers
// and ankle boots on black, 28x28 centred in 32x32: mean about 0.2).
func TestPretrainedShoeDCGAN(t *testing.T) {
	g, err := ShoeDCGAN()
	if err != nil {
		t.Fatal(err)
	}
	if c := g.Config(); c.ImageSize() != 32 || c.Channels != 1 {
		t.Fatalf("config %+v", c)
	}
	smp := g.Forward(nil, randomLatent(5, 200, g.LatentDim()))
	if sh := smp.Shape(); sh[1] != 1 || sh[2] != 32 || sh[3] != 32 {
		t.Fatalf("samples %v", sh)
	}
	per := 32 * 32
	avg, spread := 0.0, 0.0
	for i, v := range smp.Data {
		if v < 0 || v > 1 {
			t.Fatalf("sample value %v outside [0, 1]", v)
		}
		avg += float64(v) / float64(smp.Len())
		if j := i % per; i >= per {
			d := float64(v - smp.Data[j])
			spread += d * d / float64(smp.Len()-per)
		}
	}
	t.Logf("mean intensity %.3f, mean squared difference from the first sample %.4f", avg, spread)
	if avg < 0.1 || avg > 0.35 {
		t.Errorf("samples' mean intensity %.3f", avg)
	}
	if spread < 0.01 {
		t.Errorf("samples barely differ (mean squared difference %.4f): a collapsed generator", spread)
	}
}

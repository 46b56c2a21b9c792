package genprior

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// testAlg1 is Algorithm 1 shortened for the tests: the schedule's shape
// kept, compressed from 6000 to 800 iterations.
func testAlg1() Alg1Settings {
	s := Alg1Defaults()
	s.Steps = 800
	s.StepSize = 0.05
	s.StepDecay = 200
	return s
}

func testAlg2() Alg2Settings {
	s := Alg2Defaults()
	s.Steps = 800
	s.LR = 0.02
	return s
}

// familyNCC returns the mean NCC of 20 random kernels of gk with truth.
func familyNCC(t *testing.T, gk *kernelGen, truth *plane.Plane) float64 {
	z := tensor.New(20, gk.LatentDim())
	nn.Normal(nn.NewRand(99), z, 0, 1)
	k := gk.Forward(nil, z)
	sum := 0.0
	for n := 0; n < 20; n++ {
		ke, err := metrics.KernelError(kernelOf(k, n), truth)
		if err != nil {
			t.Fatal(err)
		}
		sum += ke.NCC
	}
	return sum / 20
}

type outcome struct {
	ncc, psnrBlurry, psnr, psnrRange float64
}

func score(t *testing.T, c synthetic, res *Result) outcome {
	t.Helper()
	ke, err := metrics.KernelError(res.Kernel, c.kernel)
	if err != nil {
		t.Fatal(err)
	}
	return outcome{ke.NCC, circularPSNR(c.blurry, c.sharp), circularPSNR(res.Image, c.sharp), circularPSNR(res.Range, c.sharp)}
}

// recoveryCases are the synthetic problems of the recovery tests: a
// 20x20 image from a 16-dimensional image generator (gray, or colour for
// Algorithm 2), a 9x9 kernel mixed from eight strokes, 1% noise; run with
// the kernel normalisation on and off (the authors' way), one seed each.
var recoveryCases = []struct {
	seed      uint64
	normalize bool
}{{1, true}, {2, false}}

// checkRecovery requires the kernel back with NCC >= 0.9 at the best shift
// and the image at least 10 dB above the blurry input. It also checks that
// the test can fail: random kernels of the family must not match the true
// one that well (mean NCC < 0.75).
func checkRecovery(t *testing.T, name string, gk *kernelGen, c synthetic, res *Result) {
	t.Helper()
	o := score(t, c, res)
	base := familyNCC(t, gk, c.kernel)
	t.Logf("%s: kernel NCC %.3f (random kernels of the family: %.3f), PSNR blurry %.2f dB -> %.2f dB (range %.2f dB); residuals %.3g, best %d; %d iterations in %v",
		name, o.ncc, base, o.psnrBlurry, o.psnr, o.psnrRange, res.Residuals, res.Best, res.Iterations, res.Elapsed)
	if base >= 0.75 {
		t.Errorf("%s: random kernels already reach NCC %.3f; the case cannot tell", name, base)
	}
	if o.ncc < 0.9 {
		t.Errorf("%s: kernel NCC %.3f < 0.9", name, o.ncc)
	}
	if o.psnr < o.psnrBlurry+10 {
		t.Errorf("%s: PSNR %.2f dB not 10 dB above the blurry %.2f dB", name, o.psnr, o.psnrBlurry)
	}
}

// TestAlg1Recovers is Algorithm 1's proof of work.
func TestAlg1Recovers(t *testing.T) {
	gi, gk := newImageGen(nn.NewRand(11), 16, 1, 20, 20), newKernelGen()
	for _, rc := range recoveryCases {
		c := makeCase(100+rc.seed, gi, gk)
		s := testAlg1()
		s.Seed, s.NormalizeKernel = rc.seed, rc.normalize
		res, err := Deblur(context.Background(), c.blurry, gi, gk, s)
		if err != nil {
			t.Fatal(err)
		}
		checkRecovery(t, fmt.Sprintf("seed %d, normalise %v", rc.seed, rc.normalize), gk, c, res)
	}
}

// TestAlg2Recovers is Algorithm 2's, on colour images.
func TestAlg2Recovers(t *testing.T) {
	gi, gk := newImageGen(nn.NewRand(12), 16, 3, 20, 20), newKernelGen()
	for _, rc := range recoveryCases {
		c := makeCase(200+rc.seed, gi, gk)
		s := testAlg2()
		s.Seed, s.NormalizeKernel = rc.seed, rc.normalize
		res, err := DeblurSlack(context.Background(), c.blurry, gi, gk, s)
		if err != nil {
			t.Fatal(err)
		}
		checkRecovery(t, fmt.Sprintf("seed %d, normalise %v", rc.seed, rc.normalize), gk, c, res)
	}
}

// TestAlg2WarmStart: Algorithm 2 started from Algorithm 1 (Warm) begins
// exactly where Deblur with the same settings ends, and recovers the case.
func TestAlg2WarmStart(t *testing.T) {
	gi, gk := newImageGen(nn.NewRand(12), 16, 3, 20, 20), newKernelGen()
	c := makeCase(201, gi, gk)
	a1 := Alg1Defaults()
	a1.Steps, a1.Restarts = 300, 4
	r1, err := Deblur(context.Background(), c.blurry, gi, gk, a1)
	if err != nil {
		t.Fatal(err)
	}
	s := testAlg2()
	s.Restarts, s.Warm, s.Steps, s.LR = a1.Restarts, a1.Steps, 1, 1e-9
	r2, err := DeblurSlack(context.Background(), c.blurry, gi, gk, s)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Best != r1.Best || r2.Iterations != 1 {
		t.Fatalf("restart %d after %d iterations, want Deblur's %d after 1", r2.Best, r2.Iterations, r1.Best)
	}
	for i, v := range r1.Kernel.Pix {
		if d := r2.Kernel.Pix[i] - v; d > 1e-5 || d < -1e-5 {
			t.Fatalf("kernel tap %d: %g after the warm start, Deblur %g", i, r2.Kernel.Pix[i], v)
		}
	}
	for ch, p := range r1.Image.Channels {
		for i, v := range p.Pix {
			if d := r2.Image.Channels[ch].Pix[i] - v; d > 1e-5 || d < -1e-5 {
				t.Fatalf("channel %d pixel %d: free image %g, Deblur's image %g", ch, i, r2.Image.Channels[ch].Pix[i], v)
			}
		}
	}
	s = testAlg2()
	s.Warm, s.Steps = 400, 400
	res, err := DeblurSlack(context.Background(), c.blurry, gi, gk, s)
	if err != nil {
		t.Fatal(err)
	}
	checkRecovery(t, "warm start", gk, c, res)
	s.Warm = -1
	if _, err := DeblurSlack(context.Background(), c.blurry, gi, gk, s); err == nil {
		t.Error("negative warm start accepted")
	}
}

// TestAlg2FollowNoise: the weights follow the noise only above the dead
// band (a run on a flat image with 0.5 % noise is the authors' run
// exactly) and grow with its variance, holding the free image nearer the
// generator's range.
func TestAlg2FollowNoise(t *testing.T) {
	flat := func(sigma float64, size int) *imageio.Image {
		p := plane.New(size, size)
		rng := nn.NewRand(5)
		for i := range p.Pix {
			p.Pix[i] = 0.5 + sigma*rng.NormFloat64()
		}
		return imageio.NewGray(p)
	}
	if f := noiseFactor(flat(0.01, 64)); f != 1 {
		t.Errorf("factor %v at 1 %% noise, want 1", f)
	}
	if f := noiseFactor(flat(0.05, 64)); f < 18 || f > 32 {
		t.Errorf("factor %v at 5 %% noise, want about 25", f)
	}
	gi, gk := newImageGen(nn.NewRand(12), 16, 1, 20, 20), newKernelGen()
	s := testAlg2()
	s.Steps, s.Restarts = 200, 3
	run := func(y *imageio.Image, follow bool) *Result {
		s.FollowNoise = follow
		r, err := DeblurSlack(context.Background(), y, gi, gk, s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	low := flat(0.005, 20)
	if f := noiseFactor(low); f != 1 {
		t.Fatalf("a flat image with 0.5 %% noise reads factor %v", f)
	}
	a, b := run(low, false), run(low, true)
	for i, v := range a.Image.Channels[0].Pix {
		if b.Image.Channels[0].Pix[i] != v {
			t.Fatalf("at 1 %% noise the run following the noise differs at pixel %d", i)
		}
	}
	noisy := flat(0.06, 20)
	// The range error's weight grows: the free image stays nearer G_I(z_i).
	gap := func(r *Result) float64 {
		sum := 0.0
		for i, v := range r.Image.Channels[0].Pix {
			sum += math.Abs(v - r.Range.Channels[0].Pix[i])
		}
		return sum / float64(len(r.Image.Channels[0].Pix))
	}
	authors, following := gap(run(noisy, false)), gap(run(noisy, true))
	t.Logf("mean |i - G_I(z_i)| at 6 %% noise: authors' weights %.4f, following the noise %.4f", authors, following)
	if following > 0.5*authors {
		t.Errorf("following the noise, the free image is %.4f from the range; with the authors' weights %.4f: want it held nearer", following, authors)
	}
}

// TestEstimatorSlackDefaults: the estimator's Algorithm 2 starts from
// Algorithm 1 and follows the noise unless AsPublished asks for the
// authors' run.
func TestEstimatorSlackDefaults(t *testing.T) {
	e := Estimator{Slack: true}
	_, s := e.Settings(blind.Job{Seed: 3})
	if s.Warm != WarmSteps || !s.FollowNoise || s.Steps != 10000 || s.Seed != 3 {
		t.Errorf("defaults: %+v", s)
	}
	e.AsPublished = true
	_, s = e.Settings(blind.Job{})
	if s.Warm != 0 || s.FollowNoise {
		t.Errorf("as published: %+v", s)
	}
}

package selfdeblur

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/deblur/deblur/internal/blas"
	"github.com/deblur/deblur/internal/dnnl"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// levinSizeNoise is a 255x255 plane of uniform noise, a Levin-sized input
// for timing (the values do not change the work done).
func levinSizeNoise() *plane.Plane {
	y := plane.New(255, 255)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range y.Pix {
		y.Pix[i] = rng.Float64()
	}
	return y
}

// benchIteration times one optimisation step (perturbed forward of Gx and
// Gk, blur, loss, backward, Adam) at Levin size: a 255x255 image with a
// 27x27 kernel, so Gx works at 281x281; its products use threads
// goroutines (0: every core).
func benchIteration(b *testing.B, gx SkipConfig, ssim bool, threads int) {
	y := levinSizeNoise()
	s := Paper(27)
	s.Gx = gx
	s.Threads = threads
	p, err := newProblem(y, s)
	if err != nil {
		b.Fatal(err)
	}
	p.step(0, 1, ssim, 0) // warm the tape's buffer pool
	b.Logf("backend: %s; convolutions: %s", blas.Backend(), dnnl.Convolutions())
	b.ResetTimer()
	for b.Loop() {
		p.step(1, 1, ssim, 0)
	}
	flop := 3 * gx.ForwardFLOPs(281, 281)
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/iter")
	b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkPaperIteration is one paper-exact SelfDeblur iteration (Gx of
// width 128, 1 - SSIM loss) at Levin size; scripts/compare-pytorch times
// the same step in PyTorch beside it.
func BenchmarkPaperIteration(b *testing.B) { benchIteration(b, PaperSkip(), true, 0) }

// BenchmarkWidth64Iteration and BenchmarkWidth32Iteration are the narrower
// Gx of the design notes (the width-32 one also in scripts/compare-pytorch).
func BenchmarkWidth64Iteration(b *testing.B) { benchIteration(b, UniformSkip(64, 16), true, 0) }
func BenchmarkWidth32Iteration(b *testing.B) { benchIteration(b, UniformSkip(32, 16), true, 0) }

// BenchmarkPaperGxForwardBackward isolates the network: one forward and
// backward of the paper's Gx at 281x281, without the loss's cost.
func BenchmarkPaperGxForwardBackward(b *testing.B) {
	rng := nn.NewRand(1)
	net, err := NewSkip(rng, PaperSkip())
	if err != nil {
		b.Fatal(err)
	}
	z := tensorUniform(rng, 1, 8, 281, 281)
	tp := tensor.NewTape()
	run := func() {
		tp.Reset()
		out := net.Forward(tp, z)
		backwardSum(tp, out)
	}
	run()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	flop := 3 * PaperSkip().ForwardFLOPs(281, 281)
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/op")
	b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func TestForwardFLOPsPaper(t *testing.T) {
	// The design notes: ~150 GFLOP per paper-exact iteration at Levin size.
	f := 3 * PaperSkip().ForwardFLOPs(281, 281) / 1e9
	if f < 120 || f > 180 {
		t.Fatalf("paper iteration estimated at %.1f GFLOP, expected ~150", f)
	}
	t.Logf("paper iteration: %.1f GFLOP", f)
}

// BenchmarkDefaultIteration is one iteration of the Default preset's Gx
// (width 32, skip 8) on one thread, as each of its concurrent restarts
// runs on two cores.
func BenchmarkDefaultIteration(b *testing.B) {
	benchIteration(b, Default(27).Gx, true, 1)
}

// BenchmarkDefaultRestartPair is how the Default preset spends a 2-core
// machine: its two restarts step concurrently, each on one thread. One op
// is one iteration of both fits.
func BenchmarkDefaultRestartPair(b *testing.B) { benchRestartPair(b, false) }

// BenchmarkDefaultRestartPairBF16 is the same with Settings.BF16 (the same
// as BenchmarkDefaultRestartPair unless oneDNN runs bfloat16 here).
func BenchmarkDefaultRestartPairBF16(b *testing.B) { benchRestartPair(b, true) }

func benchRestartPair(b *testing.B, bf16 bool) {
	s := Default(27)
	s.Threads = 1
	s.BF16 = bf16
	y := levinSizeNoise()
	var ps [2]*problem
	for i := range ps {
		s.Seed = uint64(i + 1)
		p, err := newProblem(y, s)
		if err != nil {
			b.Fatal(err)
		}
		p.step(0, 1, true, 0) // warm the tape's buffer pool
		ps[i] = p
	}
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Go(func() { p.step(1, 1, true, 0) })
		}
		wg.Wait()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/iter")
}

// BenchmarkPolishStep is one step of the kernel polish (Gk forward and
// backward, blur against the frozen image, 1 - SSIM, Adam) at Levin size
// with the automatic 31 px frame on one thread; each op is a polish of 100
// steps, which also runs Gx once.
func BenchmarkPolishStep(b *testing.B) {
	s := Default(31)
	s.Threads = 1
	p, err := newProblem(levinSizeNoise(), s)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p.polish(ctx, 1, 1e-4, true) // warm the tape's buffer pool
	b.ResetTimer()
	for b.Loop() {
		p.polish(ctx, 100, 1e-4, true)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(100*b.N), "ms/step")
}

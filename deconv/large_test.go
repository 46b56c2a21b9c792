package deconv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/plane"
)

// laiKernel returns Lai et al.'s kernel n (1: 31 px, 2: 51, 3: 55, 4: 75)
// normalised to sum 1, skipping the test when the shared data is missing.
func laiKernel(tb testing.TB, n int) *plane.Plane {
	tb.Helper()
	k, err := imageio.ReadKernel(fmt.Sprintf("%s/kernels/kernel_0%d.png", testfiles.Shared(tb, "lai"), n))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// largeCase returns a w x h blurry plane and the matching sharp plane:
// channel c of Lai et al.'s sharp image name, tiled by mirroring up to the
// size needed, blurred with k by the exact valid model, plus Gaussian noise
// of deviation sigma drawn from seed.
func largeCase(tb testing.TB, name string, c, w, h int, k *plane.Plane, sigma float64, seed uint64) (y, ref *plane.Plane) {
	tb.Helper()
	im, err := imageio.Read(fmt.Sprintf("%s/sharp/%s.png", testfiles.Shared(tb, "lai"), name))
	if err != nil {
		tb.Fatal(err)
	}
	ext := im.Channels[c%len(im.Channels)].TileMirror(w+k.W-1, h+k.H-1)
	y, err = blur.ConvolveFFT(ext, k, blur.Valid)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := range y.Pix {
		y.Pix[i] += sigma * rng.NormFloat64()
	}
	return y, ext.Crop((k.W-1)/2, (k.H-1)/2, w, h)
}

// cpuSeconds returns the user plus system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkLarge times one solve of the hyper-Laplacian methods on a
// 1024 x 1024 channel with Lai's 31 px kernel (the profiling case).
func BenchmarkLarge(b *testing.B) {
	k := laiKernel(b, 1)
	y, _ := largeCase(b, "natural_01", 1, 1024, 1024, k, 0.01, 1)
	for _, name := range []string{"hyperlaplacian", "hl-fast", "hl-smooth"} {
		m, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Deconvolve(context.Background(), y, k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkColor12MP deconvolves the three channels of a 4000 x 3000 colour
// image (Lai's natural_01 tiled by mirroring, blurred with Lai's 75 px
// kernel by the valid model, noise 0.01) one after the other, as
// deblur.Deconvolve does, and reports the process CPU seconds and the mean
// PSNR (peak 1, whole image) per operation besides the wall time:
//
//	go test -run XXX -bench Color12MP/auto -benchtime 1x -timeout 30m ./deconv
func BenchmarkColor12MP(b *testing.B) {
	k := laiKernel(b, 4)
	var ys, refs []*plane.Plane
	for c := 0; c < 3; c++ {
		y, ref := largeCase(b, "natural_01", c, 4000, 3000, k, 0.01, uint64(c+1))
		ys, refs = append(ys, y), append(refs, ref)
	}
	for _, name := range []string{"auto", "hyperlaplacian", "hl-fast", "hl-smooth"} {
		m, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			var cpu, db float64
			for b.Loop() {
				c0 := cpuSeconds()
				db = 0
				for c, y := range ys {
					x, err := m.Deconvolve(context.Background(), y, k)
					if err != nil {
						b.Fatal(err)
					}
					db += psnr(x, refs[c], 0) / 3
				}
				cpu += cpuSeconds() - c0
			}
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			b.ReportMetric(db, "dB")
		})
	}
}

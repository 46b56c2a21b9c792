package deconv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

const laiDir = "../../shared/data/lai"

// laiKernel returns Lai et al.'s kernel n (1: 31 px, 2: 51, 3: 55, 4: 75)
// normalised to sum 1, skipping the test when the shared data is missing.
func laiKernel(tb testing.TB, n int) *plane.Plane {
	tb.Helper()
	k, err := imageio.ReadKernel(fmt.Sprintf("%s/kernels/kernel_0%d.png", laiDir, n))
	if err != nil {
		tb.Skipf("shared data missing: %v", err)
	}
	return k
}

// largeCase returns a w x h blurry plane and the matching sharp plane:
// channel c of Lai et al.'s sharp image name, tiled by mirroring up to the
// size needed, blurred with k by the exact valid model, plus Gaussian noise
// of deviation sigma drawn from seed.
func largeCase(tb testing.TB, name string, c, w, h int, k *plane.Plane, sigma float64, seed uint64) (y, ref *plane.Plane) {
	tb.Helper()
	im, err := imageio.Read(fmt.Sprintf("%s/sharp/%s.png", laiDir, name))
	if err != nil {
		tb.Skipf("shared data missing: %v", err)
	}
	src := im.Channels[c%len(im.Channels)]
	ext := plane.New(w+k.W-1, h+k.H-1)
	for j := 0; j < ext.H; j++ {
		sy := plane.MirrorIndex(j, src.H)
		for i := 0; i < ext.W; i++ {
			ext.Pix[j*ext.W+i] = src.Pix[sy*src.W+plane.MirrorIndex(i, src.W)]
		}
	}
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

// TestDevWrite12MP writes the blurry input of BenchmarkColor12MP as an 8-bit
// PNG to the path in DEBLUR_WRITE_12MP, for timing the command:
//
//	DEBLUR_WRITE_12MP=/tmp/blurry12.png go test -run DevWrite12MP ./deconv
//	/usr/bin/time -v deblur deconv -method auto -kernel ../shared/data/lai/kernels/kernel_04.png /tmp/blurry12.png
func TestDevWrite12MP(t *testing.T) {
	path := os.Getenv("DEBLUR_WRITE_12MP")
	if path == "" {
		t.Skip("set DEBLUR_WRITE_12MP=FILE.png to write the 12 MP test input")
	}
	k := laiKernel(t, 4)
	var ch []*plane.Plane
	for c := 0; c < 3; c++ {
		y, _ := largeCase(t, "natural_01", c, 4000, 3000, k, 0.01, uint64(c+1))
		ch = append(ch, y.Clamp(0, 1))
	}
	im, err := imageio.NewRGB(ch[0], ch[1], ch[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := imageio.WritePNG(path, im, imageio.Depth8); err != nil {
		t.Fatal(err)
	}
}

// TestDevLarge compares methods on large synthetic channels (dev tool):
//
//	DEBLUR_LARGE="hl;hl cg=5;hl-smooth" DEBLUR_LARGE_SIZE=4000x3000 go test -run DevLarge -v ./deconv
//
// The items are as in TestDevSweep. The cases, DEBLUR_LARGE_CASES as
// IMAGE:KERNEL,... (default natural_01:4), are the green channel of Lai's
// sharp IMAGE tiled by mirroring to DEBLUR_LARGE_SIZE (default 1000x700),
// blurred by Lai's KERNEL (1: 31 px ... 4: 75 px) with the valid model,
// noise 0.01. It reports the PSNR (peak 1) over the whole image and beyond
// twice the kernel size from the border, the RMS errors in that border
// band and inside, and the process CPU and wall seconds, per case and as
// means.
func TestDevLarge(t *testing.T) {
	spec := os.Getenv("DEBLUR_LARGE")
	if spec == "" {
		t.Skip("set DEBLUR_LARGE to run the large-image comparison")
	}
	w, h := 1000, 700
	if s := os.Getenv("DEBLUR_LARGE_SIZE"); s != "" {
		if _, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil {
			t.Fatal(err)
		}
	}
	type lcase struct {
		name  string
		k     *plane.Plane
		y, gt *plane.Plane
	}
	var cases []lcase
	list := os.Getenv("DEBLUR_LARGE_CASES")
	if list == "" {
		list = "natural_01:4"
	}
	for _, c := range strings.Split(list, ",") {
		name, kn, _ := strings.Cut(c, ":")
		n, err := strconv.Atoi(kn)
		if err != nil {
			t.Fatalf("case %q: %v", c, err)
		}
		k := laiKernel(t, n)
		y, ref := largeCase(t, name, 1, w, h, k, 0.01, 1)
		cases = append(cases, lcase{c, k, y, ref})
	}
	for _, item := range strings.Split(spec, ";") {
		m := sweepMethod(t, item)
		var sAll, sIn, sB, sI, sCPU, sWall float64
		for _, c := range cases {
			c0, t0 := cpuSeconds(), time.Now()
			x, err := m.Deconvolve(context.Background(), c.y, c.k)
			if err != nil {
				t.Fatal(err)
			}
			cpu, wall := cpuSeconds()-c0, time.Since(t0).Seconds()
			b := 2 * c.k.W
			border, inner := ringStats(x, c.gt, b)
			all, in := psnr(x, c.gt, 0), psnr(x, c.gt, b)
			if len(cases) > 1 {
				t.Logf("  %s %dx%d %-14s PSNR all %.2f interior %.2f  RMS border %.4f interior %.4f  cpu %.1f s wall %.1f s",
					c.name, w, h, item, all, in, border, inner, cpu, wall)
			}
			sAll, sIn, sB, sI, sCPU, sWall = sAll+all, sIn+in, sB+border, sI+inner, sCPU+cpu, sWall+wall
		}
		n := float64(len(cases))
		t.Logf("%dx%d %s %-14s PSNR all %.2f interior %.2f  RMS border %.4f interior %.4f  cpu %.1f s wall %.1f s",
			w, h, list, item, sAll/n, sIn/n, sB/n, sI/n, sCPU/n, sWall/n)
	}
}

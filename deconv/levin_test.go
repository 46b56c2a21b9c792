package deconv

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deblur/deblur/plane"
)

type levinCase struct {
	i, j     int
	y, k, gt *plane.Plane
}

func levinCases(tb testing.TB, images, kernels []int) []levinCase {
	var cs []levinCase
	gts := map[int]*plane.Plane{}
	for _, i := range images {
		gts[i] = loadGray(tb, fmt.Sprintf("%s/gt/im%d.png", levinDir, i))
	}
	for _, i := range images {
		for _, j := range kernels {
			cs = append(cs, levinCase{i: i, j: j,
				y:  loadGray(tb, fmt.Sprintf("%s/im%d_kernel%d_img.png", levinDir, i, j)),
				k:  levinKernel(tb, j),
				gt: gts[i]})
		}
	}
	return cs
}

// levinRun deconvolves every case with method, one at a time, and returns
// the mean aligned PSNR, the mean seconds per solve and the per-case PSNRs.
func levinRun(tb testing.TB, cs []levinCase, method Deconvolver) (mean, secs float64, per []float64) {
	per = make([]float64, len(cs))
	var total time.Duration
	for n, c := range cs {
		t0 := time.Now()
		x, err := method.Deconvolve(context.Background(), c.y, c.k)
		total += time.Since(t0)
		if err != nil {
			tb.Fatalf("im%d kernel%d: %v", c.i, c.j, err)
		}
		per[n] = alignedPSNR(tb, x, c.gt)
		mean += per[n]
	}
	return mean / float64(len(cs)), total.Seconds() / float64(len(cs)), per
}

// TestLevinQuick is the CI-sized Levin check: four of the 32 benchmark images
// (every sharp image, kernels 1, 4, 6 and 8) with the true kernels and the
// irls method must reach the aligned PSNR measured when it was tuned (35.03
// dB mean) within 0.4 dB. Skipped with -short.
func TestLevinQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("Levin check skipped with -short")
	}
	var cs []levinCase
	for _, ij := range [][2]int{{1, 1}, {2, 4}, {3, 6}, {4, 8}} {
		cs = append(cs, levinCases(t, []int{ij[0]}, []int{ij[1]})...)
	}
	m, err := Lookup("irls")
	if err != nil {
		t.Fatal(err)
	}
	mean, secs, per := levinRun(t, cs, m)
	t.Logf("irls on 4 Levin images: mean aligned PSNR %.2f dB %.2f, %.2f s/image", mean, per, secs)
	if mean < 34.6 {
		t.Errorf("irls mean aligned PSNR %.2f dB on 4 Levin images, want >= 34.6", mean)
	}
}

func all(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// TestLevinFull measures every method on all 32 Levin images with the true
// kernels. It runs only when DEBLUR_LEVIN_FULL is set (it takes minutes);
// DEBLUR_LEVIN_METHODS may list a comma-separated subset of method names.
func TestLevinFull(t *testing.T) {
	if os.Getenv("DEBLUR_LEVIN_FULL") == "" {
		t.Skip("set DEBLUR_LEVIN_FULL=1 to run the 32-image Levin measurement")
	}
	cs := levinCases(t, all(4), all(8))
	names := Methods()
	if s := os.Getenv("DEBLUR_LEVIN_METHODS"); s != "" {
		names = strings.Split(s, ",")
	}
	for _, name := range names {
		m, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		mean, secs, per := levinRun(t, cs, m)
		t.Logf("%-16s mean aligned PSNR %.2f dB over %d images, %.2f s/image", name, mean, len(cs), secs)
		var b strings.Builder
		for n, c := range cs {
			fmt.Fprintf(&b, " %d/%d:%.2f", c.i, c.j, per[n])
		}
		t.Logf("%-16s per image (im/kernel:dB)%s", name, b.String())
	}
}

// BenchmarkMethods times one solve of every method on Levin im1_kernel4
// (255 x 255, the largest kernel, 27 x 27).
func BenchmarkMethods(b *testing.B) {
	c := levinCases(b, []int{1}, []int{4})[0]
	for _, name := range Methods() {
		m, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Deconvolve(context.Background(), c.y, c.k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

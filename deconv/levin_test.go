package deconv

import (
	"context"
	"fmt"
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

package deconv

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
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

// levinRun deconvolves every case with method and returns the mean aligned
// PSNR and the mean seconds per image (solves run one at a time; the PSNR
// evaluation runs alongside on the other core).
func levinRun(tb testing.TB, cs []levinCase, method func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error)) (mean, secs float64, per []float64) {
	per = make([]float64, len(cs))
	var wg sync.WaitGroup
	var total time.Duration
	for n, c := range cs {
		t0 := time.Now()
		x, err := method(context.Background(), c.y, c.k)
		total += time.Since(t0)
		if err != nil {
			tb.Fatalf("im%d kernel%d: %v", c.i, c.j, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			per[n] = alignedPSNR(x, c.gt)
		}()
	}
	wg.Wait()
	for _, v := range per {
		mean += v
	}
	return mean / float64(len(cs)), total.Seconds() / float64(len(cs)), per
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
		mean, secs, per := levinRun(t, cs, func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return Deconvolve(ctx, name, y, k)
		})
		t.Logf("%-16s mean aligned PSNR %.2f dB over %d images, %.2f s/image", name, mean, len(cs), secs)
		var b strings.Builder
		for n, c := range cs {
			fmt.Fprintf(&b, " %d/%d:%.2f", c.i, c.j, per[n])
		}
		t.Logf("%-16s per image (im/kernel:dB)%s", name, b.String())
	}
}

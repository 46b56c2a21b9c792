package blur

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/deblur/deblur/plane"
)

// ConvolveDirect returns the convolution of img with k in mode m computed by
// summing over the kernel taps; it is exact and fastest for small kernels.
func ConvolveDirect(img, k *plane.Plane, m Mode) (*plane.Plane, error) {
	ox, oy, ow, oh, err := window(img.W, img.H, k.W, k.H, m)
	if err != nil {
		return nil, fmt.Errorf("convolve %v: %w", m, err)
	}
	out := plane.New(ow, oh)
	rows := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			orow := out.Pix[j*ow : (j+1)*ow]
			fy := j + oy // row in full coordinates
			for b := 0; b < k.H; b++ {
				sy := fy - b
				if sy < 0 || sy >= img.H {
					continue
				}
				srow := img.Pix[sy*img.W : (sy+1)*img.W]
				for a := 0; a < k.W; a++ {
					kv := k.Pix[b*k.W+a]
					if kv == 0 {
						continue
					}
					// out[i] += kv * img[i+ox-a] for the i with the source inside.
					d := ox - a
					lo, hi := max(0, -d), min(ow, img.W-d)
					if lo >= hi {
						continue
					}
					src := srow[lo+d : hi+d]
					dst := orow[lo:hi]
					for i, v := range src {
						dst[i] += kv * v
					}
				}
			}
		}
	}
	parallelRows(oh, ow*k.W*k.H, rows)
	return out, nil
}

// parallelRows runs f over [0, n) in up to GOMAXPROCS parts when the work
// (about n*perRow multiply-adds) is large enough to pay for goroutines.
func parallelRows(n, perRow int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers < 2 || n*perRow < 1<<16 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

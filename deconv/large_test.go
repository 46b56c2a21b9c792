package deconv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

const laiDir = "../../shared/data/lai"

// laiKernel returns Lai et al.'s kernel n (1: 31 px, 2: 51, 3: 55, 4: 75)
// normalised to sum 1.
func laiKernel(tb testing.TB, n int) *plane.Plane {
	tb.Helper()
	k, err := imageio.ReadKernel(fmt.Sprintf("%s/kernels/kernel_0%d.png", laiDir, n))
	if err != nil {
		tb.Skipf("shared data missing: %v", err)
	}
	return k
}

// largeCase returns a w x h blurry plane, the matching sharp plane and the
// kernel: the sharp image is channel c of a Lai et al. sharp image, tiled by
// mirroring up to the size needed, blurred by the exact valid model with
// kernel k plus Gaussian noise of deviation sigma (seeded).
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

// BenchmarkLarge times one solve of the listed methods on a 1024 x 1024
// channel with Lai's 31 px kernel.
func BenchmarkLarge(b *testing.B) {
	k := laiKernel(b, 1)
	y, _ := largeCase(b, "natural_01", 1, 1024, 1024, k, 0.01, 1)
	for _, name := range []string{"hyperlaplacian"} {
		m, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m(context.Background(), y, k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package blur

import (
	"fmt"

	"github.com/deblur/deblur/internal/fft2"
	"github.com/deblur/deblur/plane"
)

// ConvolveFFT returns the convolution of img with k in mode m computed with
// FFTs on a grid at least as large as the full result (so no wrap-around
// occurs); it agrees with ConvolveDirect to rounding error and is faster for
// large kernels.
func ConvolveFFT(img, k *plane.Plane, m Mode) (*plane.Plane, error) {
	ox, oy, ow, oh, err := window(img.W, img.H, k.W, k.H, m)
	if err != nil {
		return nil, fmt.Errorf("convolve %v: %w", m, err)
	}
	gw := fft2.GoodEvenSize(img.W + k.W - 1)
	gh := fft2.GoodSize(img.H + k.H - 1)
	p, err := fft2.NewPlan(gw, gh, 0)
	if err != nil {
		return nil, fmt.Errorf("convolve %v: %w", m, err)
	}
	grid := make([]float64, gw*gh)
	embed(grid, gw, img)
	fi := p.Forward(nil, grid)
	clear(grid)
	embed(grid, gw, k)
	fk := p.Forward(nil, grid)
	for i := range fi {
		fi[i] *= fk[i]
	}
	p.Inverse(grid, fi)
	out := plane.New(ow, oh)
	for j := 0; j < oh; j++ {
		copy(out.Pix[j*ow:(j+1)*ow], grid[(j+oy)*gw+ox:])
	}
	return out, nil
}

// CircularConvolve returns the circular (periodic) convolution of img with
// the kernel k zero-padded to the image size, with the kernel's centre
// (k.W/2, k.H/2) placed at the origin:
//
//	out(x, y) = sum over (a, b) of k(a, b) * img((x - a + k.W/2) mod W, (y - b + k.H/2) mod H).
//
// Away from the borders it equals Convolve(img, k, Same). The kernel must not
// be larger than the image.
func CircularConvolve(img, k *plane.Plane) (*plane.Plane, error) {
	if k.W < 1 || k.H < 1 || k.W > img.W || k.H > img.H {
		return nil, fmt.Errorf("convolve circular: %dx%d kernel does not fit a %dx%d image", k.W, k.H, img.W, img.H)
	}
	p, err := fft2.NewPlan(img.W, img.H, 0)
	if err != nil {
		return nil, fmt.Errorf("convolve circular: %w", err)
	}
	fi := p.Forward(nil, img.Pix)
	grid := make([]float64, img.W*img.H)
	for b := 0; b < k.H; b++ {
		y := (b - k.H/2 + img.H) % img.H
		for a := 0; a < k.W; a++ {
			x := (a - k.W/2 + img.W) % img.W
			grid[y*img.W+x] += k.Pix[b*k.W+a]
		}
	}
	fk := p.Forward(nil, grid)
	for i := range fi {
		fi[i] *= fk[i]
	}
	out := plane.New(img.W, img.H)
	p.Inverse(out.Pix, fi)
	return out, nil
}

// embed copies src into the top-left corner of a grid whose rows are gw long.
func embed(grid []float64, gw int, src *plane.Plane) {
	for j := 0; j < src.H; j++ {
		copy(grid[j*gw:j*gw+src.W], src.Pix[j*src.W:(j+1)*src.W])
	}
}

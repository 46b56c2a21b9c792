package imageio

import (
	"fmt"
	"image"
	"math"

	"github.com/deblur/deblur/plane"
)

// ReadKernel reads a blur-kernel image (PNG, JPEG or TIFF) and returns it as
// a new plane that sums to 1. Colour kernels are averaged over their
// channels. The orientation is kept as stored: whether the plane is the
// convolution or the correlation kernel depends on the data set (see
// Plane.Rot180). It returns an error, naming path, when the file cannot be
// decoded or its samples do not have a positive sum.
func ReadKernel(path string) (*plane.Plane, error) {
	im, err := Read(path)
	if err != nil {
		return nil, err
	}
	k := im.Channels[0].Clone()
	if !im.IsGray() {
		n := float64(len(im.Channels))
		for i := range k.Pix {
			s := 0.0
			for _, c := range im.Channels {
				s += c.Pix[i]
			}
			k.Pix[i] = s / n
		}
	}
	if err := k.Normalize(); err != nil {
		return nil, fmt.Errorf("imageio: kernel %s: %w", path, err)
	}
	return k, nil
}

// KernelImage renders kernel k as an 8-bit gray image for viewing: samples
// are scaled so the largest becomes white (255) and 0 stays black; negative
// and NaN samples show as black. Each sample becomes a scale x scale block
// (nearest-neighbour upscaling); scale < 1 is treated as 1. A kernel with no
// positive sample renders all black.
func KernelImage(k *plane.Plane, scale int) *image.Gray {
	scale = max(scale, 1)
	peak := 0.0
	for _, v := range k.Pix {
		if v > peak && !math.IsInf(v, 1) {
			peak = v
		}
	}
	out := image.NewGray(image.Rect(0, 0, k.W*scale, k.H*scale))
	if peak <= 0 {
		return out
	}
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			g := uint8(quantize(k.Pix[y*k.W+x]/peak, 255))
			for dy := 0; dy < scale; dy++ {
				row := out.Pix[(y*scale+dy)*out.Stride:]
				for dx := 0; dx < scale; dx++ {
					row[x*scale+dx] = g
				}
			}
		}
	}
	return out
}

// WriteKernelPNG writes KernelImage(k, scale) to path atomically (see
// WritePNG).
func WriteKernelPNG(path string, k *plane.Plane, scale int) error {
	return WriteImagePNG(path, KernelImage(k, scale))
}

// KernelViewScale is the enlargement that makes a kernel whose longer side
// is n pixels viewable, about 256 px: the scale deblur's outputs use.
func KernelViewScale(n int) int { return max(1, 256/max(n, 1)) }

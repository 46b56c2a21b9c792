package bench

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// Photo describes a large synthetic blurry photograph made from the Lai
// et al. data: a sharp image tiled by mirroring to Width x Height, blurred
// by one of their kernels with the exact valid model, plus Gaussian noise.
// It measures what the pipeline costs and finds on a camera-sized image
// (the 12-megapixel figures of the documentation use DefaultPhoto).
type Photo struct {
	Image         string  // sharp image of lai/sharp, e.g. "natural_01"
	Kernel        int     // kernel of lai/kernels: 1 (31 px), 2 (51), 3 (55) or 4 (75)
	Width, Height int     // the photograph's size
	Noise         float64 // standard deviation of the noise on [0, 1]
}

// DefaultPhoto is the 12-megapixel case: natural_01 at 4000 x 3000 with
// the 75 px kernel and 1 % noise.
func DefaultPhoto() Photo {
	return Photo{Image: "natural_01", Kernel: 4, Width: 4000, Height: 3000, Noise: 0.01}
}

// Make reads the Lai data under laiDir and returns the blurry photograph
// (clipped to [0, 1]), its sharp version and the kernel. Channel c's noise
// is drawn from its own stream (seed c+1), so the result does not depend on
// anything but p.
func (p Photo) Make(laiDir string) (blurry, sharp *imageio.Image, k *plane.Plane, err error) {
	if p.Kernel < 1 || p.Kernel > 4 || p.Width < 1 || p.Height < 1 || p.Noise < 0 {
		return nil, nil, nil, fmt.Errorf("bench: photo %+v: want kernel 1..4, a positive size and a noise level >= 0", p)
	}
	if k, err = imageio.ReadKernel(filepath.Join(laiDir, "kernels", fmt.Sprintf("kernel_%02d.png", p.Kernel))); err != nil {
		return nil, nil, nil, fmt.Errorf("bench: %w", err)
	}
	im, err := imageio.Read(filepath.Join(laiDir, "sharp", p.Image+".png"))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("bench: %w", err)
	}
	blurry, sharp = &imageio.Image{Depth: imageio.Depth8}, &imageio.Image{Depth: imageio.Depth8}
	for c := range 3 {
		ext := im.Channels[c%len(im.Channels)].TileMirror(p.Width+k.W-1, p.Height+k.H-1)
		y, err := blur.ConvolveFFT(ext, k, blur.Valid)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("bench: %w", err)
		}
		rng := rand.New(rand.NewPCG(uint64(c+1), 7))
		for i := range y.Pix {
			y.Pix[i] += p.Noise * rng.NormFloat64()
		}
		blurry.Channels = append(blurry.Channels, y.Clamp(0, 1))
		sharp.Channels = append(sharp.Channels, ext.Crop((k.W-1)/2, (k.H-1)/2, p.Width, p.Height))
	}
	return blurry, sharp, k, nil
}

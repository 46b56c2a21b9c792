package deblur

import (
	"context"
	"fmt"
	"image"

	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// Deconvolve removes a known blur from img: every channel is deconvolved
// with the convolution kernel k (non-negative, summing to 1) by d (nil:
// deconv.Auto, the hyper-Laplacian variant that suits the image's size).
// The output has img's size and depth.
func Deconvolve(ctx context.Context, img image.Image, k *plane.Plane, d deconv.Deconvolver) (image.Image, error) {
	im := imageio.FromImage(img)
	if d == nil {
		d = deconv.Auto{}
	}
	out, err := deconvolve(ctx, im, k, d)
	if err != nil {
		return nil, err
	}
	return out.ToImage(depthOf(im))
}

// deconvolve deconvolves every channel of im with k by d and clamps the
// result to [0, 1].
func deconvolve(ctx context.Context, im *imageio.Image, k *plane.Plane, d deconv.Deconvolver) (*imageio.Image, error) {
	if k.W > im.W() || k.H > im.H() {
		return nil, fmt.Errorf("deblur: %w: %dx%d kernel larger than the %dx%d image", ErrImageSize, k.W, k.H, im.W(), im.H())
	}
	out := &imageio.Image{Depth: im.Depth}
	for i, c := range im.Channels {
		x, err := d.Deconvolve(ctx, c, k)
		if err != nil {
			return nil, fmt.Errorf("deblur: deconvolving channel %d: %w", i, err)
		}
		out.Channels = append(out.Channels, x.Clamp(0, 1))
	}
	return out, nil
}

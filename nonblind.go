package deblur

import (
	"context"
	"fmt"

	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// Deconvolve removes a known blur from im: every channel is deconvolved
// with the convolution kernel k (non-negative, summing to 1) by the
// non-blind method named (see deconv.Methods; "irls" is the most accurate
// on the Levin benchmark, "hyperlaplacian" the fastest of the accurate
// ones, and "auto" picks by image size for large photographs, see
// deconv.ForSize). The result is clamped to [0, 1].
func Deconvolve(ctx context.Context, im *imageio.Image, k *plane.Plane, method string) (*imageio.Image, error) {
	run, err := deconv.Lookup(method)
	if err != nil {
		return nil, err
	}
	if k.W > im.W() || k.H > im.H() {
		return nil, fmt.Errorf("deblur: %dx%d kernel larger than the %dx%d image", k.W, k.H, im.W(), im.H())
	}
	out := &imageio.Image{}
	for i, c := range im.Channels {
		d, err := run(ctx, c, k)
		if err != nil {
			return nil, fmt.Errorf("deblur: deconvolving channel %d: %w", i, err)
		}
		out.Channels = append(out.Channels, d.Clamp(0, 1))
	}
	return out, nil
}

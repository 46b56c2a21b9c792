package deconv

import (
	"context"
	"fmt"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/plane"
)

// Saturated is a Deconvolver (its Deconvolve method says what it computes).
// Fields left at zero take the defaults given in their comments, so the
// zero value is the method with its default settings.
type Saturated struct {
	// Threshold: pixels of y at or above it count as clipped. Default 0.98.
	Threshold float64
	// Radius grows the clipped set by this many pixels (a square
	// neighbourhood) to cover the soft shoulder of camera responses near
	// saturation. Default 1; a negative value means 0.
	Radius int
	// KernelSupport, when true, further grows the set by the support of the
	// kernel: then also the unclipped pixels that see a latent pixel which
	// is probably brighter than the sensor range are discarded (Whyte et al.
	// exclude those from their update in the same way). Default false.
	KernelSupport bool
	// Prior configures the sparse-prior solve; its Model.Weight is replaced
	// and its boundary must be BoundaryValid.
	Prior IRLS
}

func (o Saturated) withDefaults() Saturated {
	if o.Threshold == 0 {
		o.Threshold = 0.98
	}
	if o.Radius == 0 {
		o.Radius = 1
	}
	if o.Radius < 0 {
		o.Radius = 0
	}
	return o
}

// Deconvolve deconvolves an image with clipped highlights, in the spirit of
// Whyte et al. (IJCV 2014, "Deblurring shaken and partially saturated
// images"): the clipped pixels (see SaturationWeight) get zero weight in the
// data term, so the linear model y = k*x is only asked to explain the pixels
// where it holds, and the latent image is free to exceed 1 behind the
// clipped ones; the solve is IRLS with the exact valid boundary model. The
// result is the size of y, clamped to [0, 1].
func (o Saturated) Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	o = o.withDefaults()
	if o.Prior.Boundary != BoundaryValid {
		return nil, fmt.Errorf("saturated: needs the valid boundary model")
	}
	var support *plane.Plane
	if o.KernelSupport {
		support = k
	}
	w, err := SaturationWeight(y, o.Threshold, o.Radius, support)
	if err != nil {
		return nil, fmt.Errorf("saturated: %w", err)
	}
	o.Prior.Weight = w
	x, err := o.Prior.Deconvolve(ctx, y, k)
	if err != nil {
		return nil, fmt.Errorf("saturated: %w", err)
	}
	return x, nil
}

// SaturationWeight returns a data-term weight for y (see Model.Weight): 0 at
// every pixel within radius pixels (Chebyshev distance) of a pixel whose
// value is at least threshold, 1 elsewhere. When support is not nil the zero
// set is further dilated by the support (non-zero taps) of that kernel,
// centred as blur.Convolve's Same mode centres it.
func SaturationWeight(y *plane.Plane, threshold float64, radius int, support *plane.Plane) (*plane.Plane, error) {
	if radius < 0 {
		return nil, fmt.Errorf("deconv: negative saturation radius %d", radius)
	}
	clipped := make([]bool, len(y.Pix))
	for i, v := range y.Pix {
		clipped[i] = v >= threshold
	}
	clipped = dilateBox(clipped, y.W, y.H, radius)
	if support != nil {
		var err error
		if clipped, err = dilateSupport(clipped, y.W, y.H, support); err != nil {
			return nil, fmt.Errorf("deconv: saturation mask: %w", err)
		}
	}
	w := plane.New(y.W, y.H)
	for i, c := range clipped {
		if !c {
			w.Pix[i] = 1
		}
	}
	return w, nil
}

// dilateBox grows a mask by r pixels in every direction (separably).
func dilateBox(m []bool, w, h, r int) []bool {
	if r == 0 {
		return m
	}
	tmp := make([]bool, len(m))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if m[y*w+x] {
				for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
					tmp[y*w+xx] = true
				}
			}
		}
	}
	out := make([]bool, len(m))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if tmp[y*w+x] {
				for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
					out[yy*w+x] = true
				}
			}
		}
	}
	return out
}

// dilateSupport grows the mask by the support of k and then by that of its
// 180-degree rotation: from the blurry pixels to the latent pixels they see,
// and on to every blurry pixel that sees one of those. It convolves the mask
// with the support indicators (FFTs for large kernels).
func dilateSupport(m []bool, w, h int, k *plane.Plane) ([]bool, error) {
	mask := plane.New(w, h)
	for i, c := range m {
		if c {
			mask.Pix[i] = 1
		}
	}
	sup := plane.New(k.W, k.H)
	for i, v := range k.Pix {
		if v > 0 {
			sup.Pix[i] = 1
		}
	}
	for _, s := range []*plane.Plane{sup, sup.Rot180()} {
		d, err := blur.Convolve(mask, s, blur.Same)
		if err != nil {
			return nil, err
		}
		for i, v := range d.Pix {
			if v > 0.5 {
				mask.Pix[i] = 1
			}
		}
	}
	out := make([]bool, len(m))
	for i, v := range mask.Pix {
		out[i] = v > 0
	}
	return out, nil
}

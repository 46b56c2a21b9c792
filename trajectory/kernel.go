package trajectory

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"github.com/deblur/deblur/plane"
)

// subStep is the largest spacing, in pixels, of the points that Kernel
// splats along a path.
const subStep = 1.0 / 16

// Kernel rasterises t into a size x size convolution kernel (blurry =
// kernel ⊛ sharp): the exposure is the whole trajectory, each step between
// samples takes the same time, and the position moves linearly within a
// step. Each step is cut into equal pieces of at most 1/16 px whose
// midpoints are splatted bilinearly, so the kernel is non-negative, sums to
// 1, and its centre of mass is exactly where the path's Centroid lands.
//
// Placement: the centroid goes to the centre of the frame, ((size-1)/2,
// (size-1)/2), unless the path would then leave the frame; it is then moved
// by the least amount that keeps it inside. A path whose bounding box is at
// most size-3 px wide (and high) is kept off the border pixels; one at most
// size-1 px fits with its mass possibly on the border. Kernel returns an
// error when the path is larger than that, empty or not finite, or when
// size < 2. Paths from Random with Params.Size = size always fit.
func (t Trajectory) Kernel(size int) (*plane.Plane, error) {
	if size < 2 {
		return nil, fmt.Errorf("trajectory: kernel size %d: must be at least 2", size)
	}
	pts := t.Points
	if len(pts) == 0 {
		return nil, fmt.Errorf("trajectory: empty trajectory")
	}
	if err := checkFinite(pts); err != nil {
		return nil, err
	}
	x0, x1, y0, y1 := bounds(pts)
	c := centroid(pts)
	ox, err := offset(real(c), x0, x1, size)
	if err != nil {
		return nil, fmt.Errorf("trajectory: %.4g px wide path: %w", x1-x0, err)
	}
	oy, err := offset(imag(c), y0, y1, size)
	if err != nil {
		return nil, fmt.Errorf("trajectory: %.4g px high path: %w", y1-y0, err)
	}
	o := complex(ox, oy)
	k := plane.New(size, size)
	if len(pts) == 1 {
		splat(k, pts[0]+o, 1)
		return k, nil
	}
	perStep := 1 / float64(len(pts)-1)
	for i := 0; i+1 < len(pts); i++ {
		a, d := pts[i]+o, pts[i+1]-pts[i]
		m := max(1, int(math.Ceil(cmplx.Abs(d)/subStep)))
		w := perStep / float64(m)
		for j := 0; j < m; j++ {
			splat(k, a+d*complex((float64(j)+0.5)/float64(m), 0), w)
		}
	}
	if err := k.Normalize(); err != nil { // removes the rounding of the weights
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	return k, nil
}

// offset returns the shift along one axis that puts the centroid c at the
// centre of a size-pixel frame, or the least change of that which keeps the
// span [lo, hi] inside the frame (inside its interior when it fits there).
func offset(c, lo, hi float64, size int) (float64, error) {
	const tol = 1e-9 // round-off of paths that were checked before centring
	first, last := 0.0, float64(size-1)
	switch span := hi - lo; {
	case span <= float64(size-3)+tol:
		first, last = 1, float64(size-2)
	case span > float64(size-1)+tol:
		return 0, fmt.Errorf("does not fit a %dx%d kernel", size, size)
	}
	o := float64(size-1)/2 - c
	if lo+o < first {
		o = first - lo
	}
	if hi+o > last {
		o = last - hi
	}
	return o, nil
}

// splat adds weight w at position p (pixel centres at integer coordinates)
// to k, shared bilinearly by the four nearest pixels. Positions are clamped
// into the frame, which only absorbs round-off.
func splat(k *plane.Plane, p complex128, w float64) {
	x := min(max(real(p), 0), float64(k.W-1))
	y := min(max(imag(p), 0), float64(k.H-1))
	ix, iy := min(int(x), k.W-2), min(int(y), k.H-2)
	fx, fy := x-float64(ix), y-float64(iy)
	i := iy*k.W + ix
	k.Pix[i] += w * (1 - fx) * (1 - fy)
	k.Pix[i+1] += w * fx * (1 - fy)
	k.Pix[i+k.W] += w * (1 - fx) * fy
	k.Pix[i+k.W+1] += w * fx * fy
}

// Kernels draws n trajectories from p with rng (nn.NewRand(seed) for a
// seeded set) and returns their p.Size x p.Size kernels and their lengths,
// in drawing order. The same rng state gives the same kernels. It returns
// an error when p is not valid or n < 0. Memory: n*Size*Size float64s
// (60,000 28x28 kernels take 376 MB); use Random and Kernel to stream.
func Kernels(rng *rand.Rand, n int, p Params) ([]*plane.Plane, []float64, error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("trajectory: %d kernels: must be 0 or more", n)
	}
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	ks, lengths := make([]*plane.Plane, n), make([]float64, n)
	for i := range ks {
		t, err := Random(rng, p)
		if err != nil {
			return nil, nil, err
		}
		if ks[i], err = t.Kernel(p.Size); err != nil {
			return nil, nil, fmt.Errorf("trajectory: kernel %d: %w", i, err)
		}
		lengths[i] = t.Length
	}
	return ks, lengths, nil
}

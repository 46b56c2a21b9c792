package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// upsampleReference is 2x bilinear upsampling (align_corners=false) written
// from its definition: output o samples the input at (o + 0.5) / 2 - 0.5,
// clamped to [0, n-1], interpolating linearly between the two neighbours.
func upsampleReference(src []float32, h, w int) []float32 {
	coord := func(o, n int) (int, int, float64) {
		s := max((float64(o)+0.5)/2-0.5, 0)
		i0 := int(s)
		return i0, min(i0+1, n-1), s - float64(i0)
	}
	out := make([]float32, 4*h*w)
	for y := range 2 * h {
		y0, y1, ly := coord(y, h)
		for x := range 2 * w {
			x0, x1, lx := coord(x, w)
			at := func(r, c int) float64 { return float64(src[r*w+c]) }
			top := (1-lx)*at(y0, x0) + lx*at(y0, x1)
			bot := (1-lx)*at(y1, x0) + lx*at(y1, x1)
			out[y*2*w+x] = float32((1-ly)*top + ly*bot)
		}
	}
	return out
}

func TestUpsampleBilinearMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, hw := range [][2]int{{1, 1}, {1, 4}, {5, 1}, {2, 2}, {3, 7}, {9, 8}} {
		h, w := hw[0], hw[1]
		x := randTensor(rng, -1, 1, 2, 3, h, w)
		got := UpsampleBilinear2x(nil, x).Data
		for p := range 6 {
			want := upsampleReference(x.Data[p*h*w:(p+1)*h*w], h, w)
			for i, v := range want {
				if g := got[p*4*h*w+i]; math.Abs(float64(g-v)) > 1e-6 {
					t.Fatalf("%dx%d plane %d: output %d = %v, definition %v", h, w, p, i, g, v)
				}
			}
		}
		adjointErr(t, fmt.Sprintf("UpsampleBilinear2x %dx%d", h, w), New(2, 3, h, w), UpsampleBilinear2x)
	}
}

package deconv

import (
	"math"
	"math/cmplx"
	"testing"
)

// TestStencilPower checks power against the transfer function summed tap by
// tap.
func TestStencilPower(t *testing.T) {
	gw, gh := 10, 7
	hw := gw/2 + 1
	for _, s := range []stencil{dxStencil, dyStencil, dxxStencil, dyyStencil, dxyStencil} {
		got := make([]float64, hw*gh)
		s.power(got, 0.5, gw, gh)
		for v := 0; v < gh; v++ {
			for u := 0; u < hw; u++ {
				var f complex128
				for _, tp := range s {
					ph := 2 * math.Pi * (float64(u*tp.dx)/float64(gw) + float64(v*tp.dy)/float64(gh))
					f += complex(tp.c, 0) * cmplx.Exp(complex(0, ph))
				}
				want := 0.5 * real(f*cmplx.Conj(f))
				if math.Abs(got[v*hw+u]-want) > 1e-12 {
					t.Fatalf("%v at (%d,%d): %v, want %v", s, u, v, got[v*hw+u], want)
				}
			}
		}
	}
}

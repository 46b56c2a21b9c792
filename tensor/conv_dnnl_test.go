package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/internal/dnnl"
)

// convBoth runs y = Conv2D(x, w, b) twice on x (two consumers, so the
// second backward adds to x's gradient) and the loss sum(y1 * g1 + y2 *
// g2), on the oneDNN path or, with blas set, on the BLAS path (the tape's
// plan for the shape set to nil), returning y1 and the gradients.
func convBoth(t *testing.T, blas bool, x, w, b *Tensor, stride, pad int, g []float32) (y, gx, gw, gb []float32) {
	t.Helper()
	for _, p := range []*Tensor{x, w, b} {
		p.Grad = nil
	}
	w.Grad = make([]float32, w.Len()) // parameters accumulate: start from 1s
	b.Grad = make([]float32, b.Len())
	for i := range w.Grad {
		w.Grad[i] = 1
	}
	for i := range b.Grad {
		b.Grad[i] = 1
	}
	tp := NewTape()
	if blas {
		n, cin, h, wd := dims4("x", x)
		cout, _, kh, kw := dims4("w", w)
		tp.convs = map[convKey]*dnnl.Conv{{n, cin, h, wd, cout, kh, kw, stride, pad, 1, true, false}: nil}
	}
	y1 := Conv2D(tp, x, w, b, stride, pad)
	y2 := Conv2D(tp, x, w, b, stride, pad)
	y1.Grad, y2.Grad = tp.alloc(len(g)), tp.alloc(len(g))
	for i, v := range g {
		y1.Grad[i], y2.Grad[i] = v, v*0.5
	}
	for i := len(tp.backs) - 1; i >= 0; i-- {
		tp.backs[i]()
	}
	clone := func(s []float32) []float32 { return append([]float32(nil), s...) }
	return clone(y1.Data), clone(x.Grad), clone(w.Grad), clone(b.Grad)
}

// TestConv2DOneDNNMatchesBLAS checks the oneDNN convolution (values and
// the three gradients, including accumulation into existing gradients)
// against the BLAS path on the network's kinds of convolution.
func TestConv2DOneDNNMatchesBLAS(t *testing.T) {
	if !dnnl.Available() {
		t.Skip("no oneDNN in this build (go test -tags dnnl)")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct{ cin, cout, h, w, k, stride, pad int }{
		{40, 32, 23, 21, 3, 1, 0}, {8, 32, 23, 23, 3, 2, 0}, {32, 32, 13, 15, 3, 2, 1},
		{3, 5, 9, 8, 3, 1, 1}, {16, 16, 12, 12, 5, 1, 2},
	} {
		x := randParam(rng, -1, 1, 1, tc.cin, tc.h, tc.w)
		w := randParam(rng, -0.1, 0.1, tc.cout, tc.cin, tc.k, tc.k)
		b := randParam(rng, -0.1, 0.1, tc.cout)
		ho, wo := (tc.h+2*tc.pad-tc.k)/tc.stride+1, (tc.w+2*tc.pad-tc.k)/tc.stride+1
		g := randTensor(rng, -1, 1, tc.cout*ho*wo).Data
		y, gx, gw, gb := convBoth(t, false, x, w, b, tc.stride, tc.pad, g)
		ry, rgx, rgw, rgb := convBoth(t, true, x, w, b, tc.stride, tc.pad, g)
		for _, c := range []struct {
			name      string
			got, want []float32
		}{{"output", y, ry}, {"input gradient", gx, rgx}, {"weight gradient", gw, rgw}, {"bias gradient", gb, rgb}} {
			if len(c.got) != len(c.want) {
				t.Fatalf("%+v: %s has %d values, want %d", tc, c.name, len(c.got), len(c.want))
			}
			scale := 0.0
			for _, v := range c.want {
				scale = max(scale, math.Abs(float64(v)))
			}
			for i := range c.got {
				if d := math.Abs(float64(c.got[i] - c.want[i])); d > 1e-5*max(scale, 1) {
					t.Fatalf("%+v: %s[%d] = %v, BLAS path %v", tc, c.name, i, c.got[i], c.want[i])
				}
			}
		}
	}
}

// TestConv2DThreadsAgree checks that a convolution's output and gradients
// do not depend on the tape's thread count, bit for bit (oneDNN splits the
// weight gradient's sum across threads unless told not to).
func TestConv2DThreadsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range []struct{ cin, cout, h, w, stride int }{{40, 32, 75, 75, 1}, {32, 32, 143, 143, 2}} {
		x := randParam(rng, -1, 1, 1, tc.cin, tc.h, tc.w)
		w := randParam(rng, -0.1, 0.1, tc.cout, tc.cin, 3, 3)
		b := randParam(rng, -0.1, 0.1, tc.cout)
		var got [2][4][]float32
		for i, threads := range []int{1, 2} {
			x.Grad, w.Grad, b.Grad = nil, make([]float32, w.Len()), make([]float32, b.Len())
			tp := NewTape()
			tp.Threads = threads
			y := Conv2D(tp, x, w, b, tc.stride, 0)
			y.Grad = tp.alloc(y.Len())
			for j := range y.Grad {
				y.Grad[j] = float32(j%7)*0.1 - 0.3
			}
			for j := len(tp.backs) - 1; j >= 0; j-- {
				tp.backs[j]()
			}
			clone := func(s []float32) []float32 { return append([]float32(nil), s...) }
			got[i] = [4][]float32{clone(y.Data), clone(x.Grad), clone(w.Grad), clone(b.Grad)}
		}
		for part, name := range []string{"output", "input gradient", "weight gradient", "bias gradient"} {
			for j, v := range got[0][part] {
				if v != got[1][part][j] {
					t.Fatalf("%+v: %s[%d] = %v on one thread, %v on two", tc, name, j, v, got[1][part][j])
				}
			}
		}
	}
}

// TestConv2DBF16 checks the bfloat16 convolution against float32: close to
// bfloat16's precision (8 significant bits on each factor of a product).
func TestConv2DBF16(t *testing.T) {
	if !dnnl.FastBF16() {
		t.Skip("no oneDNN in this build, or no bfloat16 instructions on this CPU")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	x := randParam(rng, -1, 1, 1, 40, 21, 23)
	w := randParam(rng, -0.1, 0.1, 32, 40, 3, 3)
	b := randParam(rng, -0.1, 0.1, 32)
	var out [2][]float32
	for i, bf := range []bool{false, true} {
		tp := NewTape()
		tp.BF16 = bf
		out[i] = Conv2D(tp, x, w, b, 1, 1).Data
	}
	worst, scale := 0.0, 0.0
	for i, v := range out[0] {
		worst = max(worst, math.Abs(float64(out[1][i]-v)))
		scale = max(scale, math.Abs(float64(v)))
	}
	// Each product's factors carry a relative error up to 2^-8; over 360
	// terms of mixed sign the sum's error stays well under 1 % of the
	// largest output, but far above float32's.
	if worst > 0.01*scale || worst < 1e-6*scale {
		t.Fatalf("bfloat16 output differs from float32 by %.3g (largest output %.3g)", worst, scale)
	}
}

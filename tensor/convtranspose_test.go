package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveConvTranspose scatters every input value's kernel onto the output.
func naiveConvTranspose(x, w, b *Tensor, stride, pad, outputPad int) *Tensor {
	n, cin, h, wd := dims4("x", x)
	_, cout, kh, kw := dims4("w", w)
	ho, wo := (h-1)*stride-2*pad+kh+outputPad, (wd-1)*stride-2*pad+kw+outputPad
	acc := make([]float64, n*cout*ho*wo)
	for s := 0; s < n; s++ {
		for c := 0; c < cin; c++ {
			for y := 0; y < h; y++ {
				for xx := 0; xx < wd; xx++ {
					v := float64(x.Data[((s*cin+c)*h+y)*wd+xx])
					for o := 0; o < cout; o++ {
						for i := 0; i < kh; i++ {
							for j := 0; j < kw; j++ {
								oy, ox := y*stride+i-pad, xx*stride+j-pad
								if oy < 0 || oy >= ho || ox < 0 || ox >= wo {
									continue
								}
								acc[((s*cout+o)*ho+oy)*wo+ox] += v * float64(w.Data[((c*cout+o)*kh+i)*kw+j])
							}
						}
					}
				}
			}
		}
	}
	out := New(n, cout, ho, wo)
	for i, v := range acc {
		if b != nil {
			v += float64(b.Data[(i/(ho*wo))%cout])
		}
		out.Data[i] = float32(v)
	}
	return out
}

type convTCase struct{ n, cin, cout, h, w, k, stride, pad, outPad int }

var convTCases = []convTCase{
	{1, 2, 3, 4, 5, 3, 1, 0, 0}, {2, 3, 2, 4, 4, 4, 2, 1, 0}, {1, 2, 2, 3, 4, 3, 2, 1, 1},
	{1, 1, 1, 5, 3, 2, 2, 0, 0}, {2, 2, 3, 3, 3, 3, 3, 2, 2}, {1, 3, 2, 4, 6, 1, 1, 0, 0},
	{1, 2, 2, 4, 4, 5, 1, 2, 0},
}

func TestConvTranspose2DValues(t *testing.T) {
	// Hand-computed: 1x1x2x2 input [[1 2] [3 4]], 1x1x2x2 kernel [[1 10]
	// [100 1000]], stride 2, no pad: each input value stamps a scaled
	// kernel into its own 2x2 block of the 4x4 output.
	x := FromData([]float32{1, 2, 3, 4}, 1, 1, 2, 2)
	w := FromData([]float32{1, 10, 100, 1000}, 1, 1, 2, 2)
	want := []float32{
		1, 10, 2, 20,
		100, 1000, 200, 2000,
		3, 30, 4, 40,
		300, 3000, 400, 4000,
	}
	got := ConvTranspose2D(nil, x, w, nil, 2, 0, 0)
	if !sameShape(got.Shape(), []int{1, 1, 4, 4}) {
		t.Fatalf("shape %v", got.Shape())
	}
	opsClose(t, "ConvTranspose2D stride 2", got.Data, want, 0)

	rng := rand.New(rand.NewPCG(81, 82))
	for _, tc := range convTCases {
		x := randTensor(rng, -1, 1, tc.n, tc.cin, tc.h, tc.w)
		w := randTensor(rng, -1, 1, tc.cin, tc.cout, tc.k, tc.k)
		b := randTensor(rng, -1, 1, tc.cout)
		for _, bias := range []*Tensor{b, nil} {
			got := ConvTranspose2D(nil, x, w, bias, tc.stride, tc.pad, tc.outPad)
			want := naiveConvTranspose(x, w, bias, tc.stride, tc.pad, tc.outPad)
			if !sameShape(got.Shape(), want.Shape()) {
				t.Fatalf("%+v: shape %v, want %v", tc, got.Shape(), want.Shape())
			}
			opsClose(t, "ConvTranspose2D", got.Data, want.Data, 1e-5)
		}
	}
}

// TestConvTranspose2DAdjoint checks <Conv2D(x, w), y> = <x, ConvTranspose2D(y, w)>.
func TestConvTranspose2DAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	for _, tc := range []struct{ n, cin, cout, h, w, k, stride, pad int }{
		{1, 2, 3, 7, 6, 3, 1, 1}, {2, 3, 2, 8, 10, 3, 2, 1}, {1, 2, 2, 9, 9, 4, 2, 0}, {1, 1, 2, 10, 7, 5, 3, 2},
	} {
		x := randTensor(rng, -1, 1, tc.n, tc.cin, tc.h, tc.w)
		w := randTensor(rng, -1, 1, tc.cout, tc.cin, tc.k, tc.k)
		cx := Conv2D(nil, x, w, nil, tc.stride, tc.pad)
		y := randTensor(rng, -1, 1, cx.Shape()...)
		// Output padding that makes the transposed output H x W again (the
		// cases have the same remainder along H and W).
		op := (tc.h + 2*tc.pad - tc.k) % tc.stride
		ty := ConvTranspose2D(nil, y, w, nil, tc.stride, tc.pad, op)
		if !sameShape(ty.Shape(), x.Shape()) {
			t.Fatalf("%+v: transposed shape %v, want %v", tc, ty.Shape(), x.Shape())
		}
		var l, r float64
		for i, v := range cx.Data {
			l += float64(v) * float64(y.Data[i])
		}
		for i, v := range x.Data {
			r += float64(v) * float64(ty.Data[i])
		}
		if math.Abs(l-r) > 1e-4*math.Max(1, math.Abs(l)) {
			t.Errorf("%+v: <Conv2D(x), y> = %v, <x, ConvTranspose2D(y)> = %v", tc, l, r)
		}
	}
}

func TestConvTranspose2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(85, 86))
	for _, tc := range convTCases {
		x := randParam(rng, -1, 1, tc.n, tc.cin, tc.h, tc.w)
		w := randParam(rng, -1, 1, tc.cin, tc.cout, tc.k, tc.k)
		b := randParam(rng, -1, 1, tc.cout)
		checkGrad(t, "ConvTranspose2D", []*Tensor{x, w, b}, func(tp *Tape) *Tensor {
			return ConvTranspose2D(tp, x, w, b, tc.stride, tc.pad, tc.outPad)
		}, 1e-2, 2e-3)
	}
	// Bias only.
	x := randTensor(rng, -1, 1, 1, 2, 3, 3)
	w := randTensor(rng, -1, 1, 2, 2, 3, 3)
	b := randParam(rng, -1, 1, 2)
	checkGrad(t, "ConvTranspose2D bias", []*Tensor{b}, func(tp *Tape) *Tensor { return ConvTranspose2D(tp, x, w, b, 2, 1, 1) }, 1e-2, 1e-3)
}

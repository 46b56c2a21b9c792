package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naiveConv is a direct loop version of Conv2D for reference.
func naiveConv(x, w, b *Tensor, stride, pad int) *Tensor {
	n, cin, h, wd := dims4("x", x)
	cout, _, kh, kw := dims4("w", w)
	ho, wo := (h+2*pad-kh)/stride+1, (wd+2*pad-kw)/stride+1
	out := New(n, cout, ho, wo)
	for s := 0; s < n; s++ {
		for o := 0; o < cout; o++ {
			for y := 0; y < ho; y++ {
				for xx := 0; xx < wo; xx++ {
					acc := 0.0
					if b != nil {
						acc = float64(b.Data[o])
					}
					for c := 0; c < cin; c++ {
						for i := 0; i < kh; i++ {
							for j := 0; j < kw; j++ {
								iy, ix := y*stride+i-pad, xx*stride+j-pad
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								acc += float64(x.Data[((s*cin+c)*h+iy)*wd+ix]) * float64(w.Data[((o*cin+c)*kh+i)*kw+j])
							}
						}
					}
					out.Data[((s*cout+o)*ho+y)*wo+xx] = float32(acc)
				}
			}
		}
	}
	return out
}

func TestConv2DMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ n, cin, cout, h, w, k, stride, pad int }{
		{1, 3, 4, 9, 7, 3, 1, 0}, {2, 2, 3, 8, 8, 3, 1, 1}, {1, 5, 2, 11, 10, 1, 1, 0},
		{1, 3, 4, 9, 8, 3, 2, 0}, {2, 2, 3, 9, 9, 3, 2, 1}, {1, 2, 2, 12, 12, 5, 2, 2},
		{1, 1, 1, 10, 9, 5, 1, 0}, {1, 2, 3, 6, 7, 2, 2, 0}, {2, 4, 3, 6, 5, 1, 1, 0},
		// Inputs narrower than the kernel: some taps read only padding.
		{1, 2, 2, 1, 1, 3, 1, 1}, {1, 2, 3, 1, 2, 3, 2, 1}, {1, 1, 2, 2, 1, 3, 2, 1}, {1, 2, 2, 3, 3, 5, 2, 2},
		// More output columns than one strip of the tap GEMMs (convStrip).
		{2, 2, 3, 50, 47, 3, 1, 1},
	} {
		x := randTensor(rng, -1, 1, tc.n, tc.cin, tc.h, tc.w)
		w := randTensor(rng, -1, 1, tc.cout, tc.cin, tc.k, tc.k)
		b := randTensor(rng, -1, 1, tc.cout)
		got, want := Conv2D(nil, x, w, b, tc.stride, tc.pad), naiveConv(x, w, b, tc.stride, tc.pad)
		if !sameShape(got.shape, want.shape) {
			t.Fatalf("%+v: shape %v, want %v", tc, got.shape, want.shape)
		}
		for i := range got.Data {
			if math.Abs(float64(got.Data[i]-want.Data[i])) > 1e-4 {
				t.Fatalf("%+v: value %d = %v, want %v", tc, i, got.Data[i], want.Data[i])
			}
		}
	}
}

func TestConv2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ n, cin, cout, h, w, k, stride, pad int }{
		{1, 3, 4, 7, 6, 3, 1, 0}, {2, 2, 3, 6, 6, 3, 1, 1}, {1, 3, 2, 5, 5, 1, 1, 0},
		{2, 3, 2, 7, 8, 3, 2, 1}, {1, 2, 2, 8, 7, 4, 2, 0}, {1, 2, 3, 1, 2, 3, 2, 1}, {1, 2, 2, 3, 3, 5, 2, 2},
		{2, 3, 2, 5, 4, 1, 1, 0}, // 1x1 on two samples: the products write the output in place
	} {
		x := randParam(rng, -1, 1, tc.n, tc.cin, tc.h, tc.w)
		w := randParam(rng, -1, 1, tc.cout, tc.cin, tc.k, tc.k)
		b := randParam(rng, -1, 1, tc.cout)
		checkGrad(t, "Conv2D", []*Tensor{x, w, b}, func(tp *Tape) *Tensor {
			return Conv2D(tp, x, w, b, tc.stride, tc.pad)
		}, 1e-2, 2e-3)
	}
}

func TestPadGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	x := randParam(rng, -1, 1, 2, 3, 5, 6)
	checkGrad(t, "ReflectPad2D", []*Tensor{x}, func(tp *Tape) *Tensor { return ReflectPad2D(tp, x, 2) }, 1e-2, 1e-3)
	checkGrad(t, "ZeroPad2D", []*Tensor{x}, func(tp *Tape) *Tensor { return ZeroPad2D(tp, x, 1, 2, 0, 3) }, 1e-2, 1e-3)
}

func TestReflectPadValues(t *testing.T) {
	x := FromData([]float32{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3)
	got := ReflectPad2D(nil, x, 1).Data
	// PyTorch: ReflectionPad2d(1) of [[1,2,3],[4,5,6]]
	want := []float32{5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reflect pad = %v, want %v", got, want)
		}
	}
}

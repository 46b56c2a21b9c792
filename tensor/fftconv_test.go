package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fftConvShapes are (h, w, kh, kw): square and not, odd and even sizes, a
// 1 x 1 kernel, a kernel as large as the image, and widths whose FFT period
// is padded.
var fftConvShapes = [][4]int{{8, 8, 3, 3}, {9, 7, 4, 5}, {6, 6, 6, 6}, {11, 10, 11, 1}, {5, 13, 1, 1}, {17, 19, 7, 5}}

// TestConv2DFFTMatchesConv2D: values equal the direct Conv2D's to float32
// rounding, so the two are interchangeable.
func TestConv2DFFTMatchesConv2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 92))
	for _, s := range fftConvShapes {
		x := randTensor(rng, -1, 1, 1, 1, s[0], s[1])
		w := randTensor(rng, 0, 1, 1, 1, s[2], s[3])
		want := Conv2D(nil, x, w, nil, 1, 0)
		got := Conv2DFFT(nil, x, w)
		if !sameShape(got.shape, want.shape) {
			t.Fatalf("%v: shape %v, want %v", s, got.shape, want.shape)
		}
		for i, v := range want.Data {
			if d := math.Abs(float64(got.Data[i] - v)); d > 1e-5*float64(s[2]*s[3]) {
				t.Fatalf("%v: sample %d = %v, want %v", s, i, got.Data[i], v)
			}
		}
	}
}

// TestConv2DFFTGradient checks both gradients against finite differences,
// and against the direct Conv2D's backward.
func TestConv2DFFTGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(93, 94))
	for _, s := range fftConvShapes {
		x := randParam(rng, -1, 1, 1, 1, s[0], s[1])
		w := randParam(rng, 0, 1, 1, 1, s[2], s[3])
		checkGrad(t, "Conv2DFFT", []*Tensor{x, w}, func(tp *Tape) *Tensor { return Conv2DFFT(tp, x, w) }, 1e-2, 2e-3)

		grads := func(conv func(tp *Tape) *Tensor) (gx, gw []float32) {
			x.ZeroGrad()
			w.ZeroGrad()
			tp := NewTape()
			if err := tp.Backward(Sum(tp, Mul(tp, conv(tp), conv(tp)))); err != nil {
				t.Fatal(err)
			}
			return append([]float32(nil), x.Grad...), append([]float32(nil), w.Grad...)
		}
		fx, fw := grads(func(tp *Tape) *Tensor { return Conv2DFFT(tp, x, w) })
		dx, dw := grads(func(tp *Tape) *Tensor { return Conv2D(tp, x, w, nil, 1, 0) })
		for _, p := range [][2][]float32{{fx, dx}, {fw, dw}} {
			for i := range p[1] {
				if d := math.Abs(float64(p[0][i] - p[1][i])); d > 1e-4*(1+math.Abs(float64(p[1][i]))) {
					t.Fatalf("%v: gradient %d = %v, direct Conv2D's %v", s, i, p[0][i], p[1][i])
				}
			}
		}
	}
}

// TestConv2DFFTRejectsShapes: several channels or a kernel larger than the
// image panic, as every op does on shapes it cannot take.
func TestConv2DFFTRejectsShapes(t *testing.T) {
	for _, c := range [][2][]int{
		{{1, 2, 8, 8}, {1, 2, 3, 3}},
		{{1, 1, 4, 4}, {1, 1, 5, 3}},
		{{2, 1, 8, 8}, {1, 1, 3, 3}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Conv2DFFT of %v with %v did not panic", c[0], c[1])
				}
			}()
			Conv2DFFT(nil, New(c[0]...), New(c[1]...))
		}()
	}
}

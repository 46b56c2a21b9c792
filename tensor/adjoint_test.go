package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// adjointErr checks a linear op f against its recorded backward to float
// round-off: for random x and y, <f(x), y> must equal <x, f^T(y)>, where
// f^T(y) is what Backward accumulates into x.Grad when out.Grad = y. The
// finite-difference tests cannot see errors below their tolerance; this
// identity can (relative error ~1e-6 in float32).
func adjointErr(t *testing.T, name string, x *Tensor, f func(tp *Tape, x *Tensor) *Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(31, 37))
	for i := range x.Data {
		x.Data[i] = rng.Float32()*2 - 1
	}
	x.SetRequiresGrad(true)
	x.ZeroGrad()
	tp := NewTape()
	out := f(tp, x)
	y := make([]float64, out.Len())
	for i := range y {
		y[i] = rng.Float64()*2 - 1
	}
	loss := weightedSum(tp, out, y)
	if err := tp.Backward(loss); err != nil {
		t.Fatal(err)
	}
	var lhs, rhs, scale float64
	for i, v := range out.Data {
		lhs += float64(v) * y[i]
		scale += math.Abs(float64(v) * y[i])
	}
	for i, v := range x.Data {
		rhs += float64(v) * float64(x.Grad[i])
	}
	if e := math.Abs(lhs-rhs) / scale; e > 1e-5 {
		t.Errorf("%s: <f(x), y> = %.9g but <x, f'(y)> = %.9g (relative %.2g)", name, lhs, rhs, e)
	}
}

func TestAdjoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 43))
	w := randTensor(rng, -1, 1, 4, 3, 3, 3)
	w5 := randTensor(rng, -1, 1, 1, 1, 5, 5)
	adjointErr(t, "ReflectPad2D", New(2, 3, 7, 6), func(tp *Tape, x *Tensor) *Tensor { return ReflectPad2D(tp, x, 2) })
	adjointErr(t, "ZeroPad2D", New(2, 3, 7, 6), func(tp *Tape, x *Tensor) *Tensor { return ZeroPad2D(tp, x, 1, 2, 3, 0) })
	adjointErr(t, "UpsampleBilinear2x", New(2, 3, 5, 4), UpsampleBilinear2x)
	adjointErr(t, "UpsampleNearest2x", New(2, 3, 5, 4), UpsampleNearest2x)
	other := New(2, 2, 9, 8) // zero: the identity needs f linear in x
	adjointErr(t, "ConcatCrop", New(2, 3, 10, 9), func(tp *Tape, x *Tensor) *Tensor { return ConcatCrop(tp, other, x) })
	adjointErr(t, "Conv2D stride 1 (input)", New(2, 3, 9, 8), func(tp *Tape, x *Tensor) *Tensor { return Conv2D(tp, x, w, nil, 1, 0) })
	adjointErr(t, "Conv2D stride 2 (input)", New(2, 3, 9, 8), func(tp *Tape, x *Tensor) *Tensor { return Conv2D(tp, x, w, nil, 2, 1) })
	adjointErr(t, "Conv2D 5x5 (input)", New(1, 1, 12, 11), func(tp *Tape, x *Tensor) *Tensor { return Conv2D(tp, x, w5, nil, 1, 0) })
	wide := New(2, 3, 50, 47) // more output columns than one strip (convStrip)
	adjointErr(t, "Conv2D strips (input)", wide, func(tp *Tape, x *Tensor) *Tensor { return Conv2D(tp, x, w, nil, 1, 1) })
	wideImg := randTensor(rng, -1, 1, 2, 3, 50, 47)
	adjointErr(t, "Conv2D strips (weight)", New(4, 3, 3, 3), func(tp *Tape, k *Tensor) *Tensor { return Conv2D(tp, wideImg, k, nil, 1, 1) })
	img := randTensor(rng, -1, 1, 2, 3, 9, 8)
	adjointErr(t, "Conv2D stride 1 (weight)", New(4, 3, 3, 3), func(tp *Tape, k *Tensor) *Tensor { return Conv2D(tp, img, k, nil, 1, 0) })
	adjointErr(t, "Conv2D stride 2 (weight)", New(4, 3, 3, 3), func(tp *Tape, k *Tensor) *Tensor { return Conv2D(tp, img, k, nil, 2, 1) })
	b := randTensor(rng, -1, 1, 2, 5, 6)
	adjointErr(t, "BatchedMatMul", New(2, 5, 4), func(tp *Tape, x *Tensor) *Tensor { return BatchedMatMul(tp, x, b, true, false) })
	adjointErr(t, "Reshape+Scale", New(2, 3, 4, 5), func(tp *Tape, x *Tensor) *Tensor { return Scale(tp, Reshape(tp, x, 6, 20), 0.25) })
}

func TestMaxPoolAdjoint(t *testing.T) {
	adjointErr(t, "MaxPool2D", New(2, 3, 7, 6), MaxPool2D)
}

// bnLeaky64 is BatchNorm + LeakyReLU in float64, the reference for the
// precise gradient check below.
func bnLeaky64(x, gamma, beta []float64, n, c, hw int, slope float64) []float64 {
	out := make([]float64, len(x))
	m := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		var s, ss float64
		for b := 0; b < n; b++ {
			for _, v := range x[(b*c+ch)*hw : (b*c+ch+1)*hw] {
				s += v
			}
		}
		mu := s / m
		for b := 0; b < n; b++ {
			for _, v := range x[(b*c+ch)*hw : (b*c+ch+1)*hw] {
				ss += (v - mu) * (v - mu)
			}
		}
		is := 1 / math.Sqrt(ss/m+1e-5)
		for b := 0; b < n; b++ {
			for i := (b*c + ch) * hw; i < (b*c+ch+1)*hw; i++ {
				y := gamma[ch]*(x[i]-mu)*is + beta[ch]
				if y < 0 {
					y *= slope
				}
				out[i] = y
			}
		}
	}
	return out
}

// TestBatchNormGradPrecise compares the float32 backward with central
// differences of a float64 implementation, to 1e-4 relative: tight enough
// to catch errors the float32 finite-difference test cannot.
func TestBatchNormGradPrecise(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	n, c, h, w := 2, 3, 5, 4
	x := randParam(rng, -1, 2, n, c, h, w)
	g := randParam(rng, 0.5, 1.5, c)
	b := randParam(rng, -0.5, 0.5, c)
	wts := make([]float64, x.Len())
	for i := range wts {
		wts[i] = rng.Float64()*2 - 1
	}
	tp := NewTape()
	if err := tp.Backward(weightedSum(tp, BatchNormLeakyReLU(tp, x, g, b, 1e-5, 0.2), wts)); err != nil {
		t.Fatal(err)
	}
	to64 := func(v []float32) []float64 {
		o := make([]float64, len(v))
		for i, f := range v {
			o[i] = float64(f)
		}
		return o
	}
	x64, g64, b64 := to64(x.Data), to64(g.Data), to64(b.Data)
	loss := func() float64 {
		s := 0.0
		for i, v := range bnLeaky64(x64, g64, b64, n, c, h*w, 0.2) {
			s += v * wts[i]
		}
		return s
	}
	for k, pair := range []struct {
		v    []float64
		grad []float32
	}{{x64, x.Grad}, {g64, g.Grad}, {b64, b.Grad}} {
		for i := range pair.v {
			old := pair.v[i]
			pair.v[i] = old + 1e-6
			up := loss()
			pair.v[i] = old - 1e-6
			down := loss()
			pair.v[i] = old
			num := (up - down) / 2e-6
			if d := math.Abs(num - float64(pair.grad[i])); d > 1e-4*math.Max(1, math.Abs(num)) {
				t.Errorf("input %d entry %d: backward %.7g, float64 finite difference %.7g", k, i, pair.grad[i], num)
			}
		}
	}
}

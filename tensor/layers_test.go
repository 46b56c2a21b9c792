package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBatchNormGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := randParam(rng, -1, 2, 2, 3, 4, 5)
	g := randParam(rng, 0.5, 1.5, 3)
	b := randParam(rng, -0.5, 0.5, 3)
	checkGrad(t, "BatchNorm2D", []*Tensor{x, g, b}, func(tp *Tape) *Tensor {
		return BatchNorm2D(tp, x, g, b, 1e-5)
	}, 1e-2, 5e-3)
	checkGrad(t, "BatchNormLeakyReLU", []*Tensor{x, g, b}, func(tp *Tape) *Tensor {
		return BatchNormLeakyReLU(tp, x, g, b, 1e-5, 0.2)
	}, 1e-3, 1e-2)
}

func TestBatchNormValues(t *testing.T) {
	x := FromData([]float32{1, 2, 3, 4, 10, 10, 10, 10}, 1, 2, 2, 2)
	g, b := FromData([]float32{2, 1}, 2), FromData([]float32{0.5, -1}, 2)
	y := BatchNormLeakyReLU(nil, x, g, b, 1e-5, 0.1)
	// channel 0: mean 2.5, biased var 1.25; channel 1 constant -> 0 -> beta.
	std := math.Sqrt(1.25 + 1e-5)
	for i, v := range []float64{1, 2, 3, 4} {
		want := 2*(v-2.5)/std + 0.5
		if want < 0 {
			want *= 0.1
		}
		if math.Abs(float64(y.Data[i])-want) > 1e-5 {
			t.Fatalf("bn[%d] = %v, want %v", i, y.Data[i], want)
		}
	}
	if math.Abs(float64(y.Data[4])+0.1) > 1e-6 {
		t.Fatalf("constant channel gave %v, want leaky(-1) = -0.1", y.Data[4])
	}
}

func TestActivationGrads(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	x := randParam(rng, -3, 8, 3, 50)
	for name, f := range map[string]func(*Tape, *Tensor) *Tensor{
		"LeakyReLU": func(tp *Tape, x *Tensor) *Tensor { return LeakyReLU(tp, x, 0.2) },
		"ReLU":      ReLU, "ReLU6": ReLU6, "Sigmoid": Sigmoid, "Tanh": Tanh,
	} {
		checkGrad(t, name, []*Tensor{x}, func(tp *Tape) *Tensor { return f(tp, x) }, 1e-3, 1e-2)
	}
	y := ReLU6(nil, FromData([]float32{-1, 3, 7}, 3)).Data
	if y[0] != 0 || y[1] != 3 || y[2] != 6 {
		t.Fatalf("ReLU6 = %v", y)
	}
}

func TestUpsampleBilinearValues(t *testing.T) {
	// PyTorch: F.interpolate([[1,2],[3,4]], scale_factor=2, mode='bilinear', align_corners=False)
	x := FromData([]float32{1, 2, 3, 4}, 1, 1, 2, 2)
	want := []float32{
		1, 1.25, 1.75, 2,
		1.5, 1.75, 2.25, 2.5,
		2.5, 2.75, 3.25, 3.5,
		3, 3.25, 3.75, 4,
	}
	got := UpsampleBilinear2x(nil, x).Data
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("upsample = %v, want %v", got, want)
		}
	}
}

func TestUpsampleConcatMSEGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	x := randParam(rng, -1, 1, 2, 2, 3, 5)
	checkGrad(t, "UpsampleBilinear2x", []*Tensor{x}, func(tp *Tape) *Tensor { return UpsampleBilinear2x(tp, x) }, 1e-2, 1e-3)
	a := randParam(rng, -1, 1, 2, 2, 7, 6)
	b := randParam(rng, -1, 1, 2, 3, 5, 5)
	checkGrad(t, "ConcatCrop", []*Tensor{a, b}, func(tp *Tape) *Tensor { return ConcatCrop(tp, a, b) }, 1e-2, 1e-3)
	c := randParam(rng, -1, 1, 2, 2, 7, 6)
	checkGrad(t, "MSE", []*Tensor{a, c}, func(tp *Tape) *Tensor { return MSE(tp, a, c) }, 1e-2, 1e-3)
}

func TestConcatCropValues(t *testing.T) {
	a := FromData([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	b := FromData([]float32{10, 20, 30, 40}, 1, 1, 2, 2)
	got := ConcatCrop(nil, a, b)
	want := []float32{1, 2, 4, 5, 10, 20, 30, 40} // offset (3-2)/2 = 0
	if !sameShape(got.shape, []int{1, 2, 2, 2}) {
		t.Fatalf("shape %v", got.shape)
	}
	for i := range want {
		if got.Data[i] != want[i] {
			t.Fatalf("concat = %v, want %v", got.Data, want)
		}
	}
}

package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftmaxValues(t *testing.T) {
	// torch.softmax([[1, 2, 3], [1000, 1001, 1002]], -1): both rows equal
	// [0.09003057, 0.24472847, 0.66524096]; the second must not overflow.
	x := FromData([]float32{1, 2, 3, 1000, 1001, 1002}, 2, 3)
	want := []float32{0.09003057, 0.24472847, 0.66524096}
	y := Softmax(nil, x)
	for i, v := range y.Data {
		if math.Abs(float64(v-want[i%3])) > 1e-7 {
			t.Fatalf("Softmax = %v, want %v twice", y.Data, want)
		}
	}
	neg := Softmax(nil, FromData([]float32{-1e30, 0}, 1, 2)).Data
	if neg[0] != 0 || neg[1] != 1 {
		t.Fatalf("Softmax([-1e30, 0]) = %v", neg)
	}
}

func TestSoftmaxGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	x := randParam(rng, -2, 2, 2, 3, 7)
	checkGrad(t, "Softmax", []*Tensor{x}, func(tp *Tape) *Tensor { return Softmax(tp, x) }, 1e-2, 1e-3)
	v := randParam(rng, -2, 2, 5)
	checkGrad(t, "Softmax 1-D", []*Tensor{v}, func(tp *Tape) *Tensor { return Softmax(tp, v) }, 1e-2, 1e-3)
}

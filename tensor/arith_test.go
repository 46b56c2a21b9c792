package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestArithValues(t *testing.T) {
	a := FromData([]float32{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 1, 2) // N=2, C=2, 1x2
	same := FromData([]float32{8, 7, 6, 5, 4, 3, 2, 1}, 2, 2, 1, 2)
	ch := FromData([]float32{10, 100}, 2)
	one := FromData([]float32{3}, 1)
	for _, tc := range []struct {
		name string
		got  *Tensor
		want []float32
	}{
		{"Add same", Add(nil, a, same), []float32{9, 9, 9, 9, 9, 9, 9, 9}},
		{"Sub same", Sub(nil, a, same), []float32{-7, -5, -3, -1, 1, 3, 5, 7}},
		{"Mul same", Mul(nil, a, same), []float32{8, 14, 18, 20, 20, 18, 14, 8}},
		// Per-channel: torch a + b.view(1, 2, 1, 1).
		{"Add channel", Add(nil, a, ch), []float32{11, 12, 103, 104, 15, 16, 107, 108}},
		{"Add channel 1C11", Add(nil, a, FromData([]float32{10, 100}, 1, 2, 1, 1)), []float32{11, 12, 103, 104, 15, 16, 107, 108}},
		{"Sub channel", Sub(nil, a, ch), []float32{-9, -8, -97, -96, -5, -4, -93, -92}},
		{"Mul channel", Mul(nil, a, ch), []float32{10, 20, 300, 400, 50, 60, 700, 800}},
		{"Add scalar", Add(nil, a, one), []float32{4, 5, 6, 7, 8, 9, 10, 11}},
		{"Sub scalar", Sub(nil, a, FromData([]float32{1}, 1, 1, 1, 1)), []float32{0, 1, 2, 3, 4, 5, 6, 7}},
		{"Mul scalar", Mul(nil, a, one), []float32{3, 6, 9, 12, 15, 18, 21, 24}},
		{"Scale", Scale(nil, a, -0.5), []float32{-0.5, -1, -1.5, -2, -2.5, -3, -3.5, -4}},
		{"AddScalar", AddScalar(nil, a, 1), []float32{2, 3, 4, 5, 6, 7, 8, 9}},
		{"Sum", Sum(nil, a), []float32{36}},
		{"Mean", Mean(nil, a), []float32{4.5}},
	} {
		if len(tc.got.Data) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got.Data, tc.want)
			continue
		}
		for i := range tc.want {
			if tc.got.Data[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, tc.got.Data, tc.want)
				break
			}
		}
	}
	// Per-column vector on a 2-D tensor (ordinary PyTorch broadcasting).
	m := FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if got := Add(nil, m, FromData([]float32{10, 20, 30}, 3)).Data; got[4] != 25 || got[2] != 33 {
		t.Errorf("Add of a [3] row vector to 2x3: %v", got)
	}
}

func TestArithBadBroadcastPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for shape [3] onto [2 2 1 2]")
		}
	}()
	Add(nil, New(2, 2, 1, 2), New(3))
}

func TestArithGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	a := randParam(rng, -1, 1, 2, 3, 4, 5)
	for _, bs := range [][]int{{2, 3, 4, 5}, {3}, {1, 3, 1, 1}, {1}} {
		b := randParam(rng, -1, 1, bs...)
		for _, op := range []struct {
			name string
			f    func(tp *Tape, a, b *Tensor) *Tensor
		}{{"Add", Add}, {"Sub", Sub}, {"Mul", Mul}} {
			checkGrad(t, op.name, []*Tensor{a, b}, func(tp *Tape) *Tensor { return op.f(tp, a, b) }, 1e-2, 1e-3)
		}
	}
	checkGrad(t, "Mul(x, x)", []*Tensor{a}, func(tp *Tape) *Tensor { return Mul(tp, a, a) }, 1e-2, 1e-3)
	checkGrad(t, "Scale", []*Tensor{a}, func(tp *Tape) *Tensor { return Scale(tp, a, 1.7) }, 1e-2, 1e-3)
	checkGrad(t, "AddScalar", []*Tensor{a}, func(tp *Tape) *Tensor { return AddScalar(tp, Mul(tp, a, a), 2) }, 1e-2, 1e-3)
	checkGrad(t, "Sum", []*Tensor{a}, func(tp *Tape) *Tensor { return Sum(tp, Mul(tp, a, a)) }, 1e-2, 1e-3)
	checkGrad(t, "Mean", []*Tensor{a}, func(tp *Tape) *Tensor { return Mean(tp, Mul(tp, a, a)) }, 1e-2, 1e-3)
	checkGrad(t, "Reshape", []*Tensor{a}, func(tp *Tape) *Tensor {
		r := Reshape(tp, a, 6, -1)
		return Mul(tp, r, r)
	}, 1e-2, 1e-3)
}

func TestReshapeSharesData(t *testing.T) {
	x := New(2, 3, 4)
	r := Reshape(nil, x, -1, 4)
	if !sameShape(r.Shape(), []int{6, 4}) {
		t.Fatalf("shape %v", r.Shape())
	}
	r.Data[5] = 7
	if x.Data[5] != 7 {
		t.Fatal("Reshape does not share Data")
	}
	if math.IsNaN(float64(Mean(nil, r).Item())) {
		t.Fatal("NaN")
	}
}

// TestArithLarge runs the split (parallel) paths against direct loops.
func TestArithLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	a := randParam(rng, -1, 1, 2, 4, 64, 64)
	b := randParam(rng, -1, 1, 4)
	tp := NewTape()
	y := Mul(tp, a, b)
	for i, v := range y.Data {
		if v != a.Data[i]*b.Data[(i/4096)%4] {
			t.Fatalf("Mul channel %d: %v", i, v)
		}
	}
	if err := tp.Backward(Sum(tp, y)); err != nil {
		t.Fatal(err)
	}
	for ch := 0; ch < 4; ch++ {
		s := 0.0
		for n := 0; n < 2; n++ {
			for _, v := range a.Data[(n*4+ch)*4096 : (n*4+ch+1)*4096] {
				s += float64(v)
			}
		}
		if math.Abs(s-float64(b.Grad[ch])) > 1e-3 {
			t.Fatalf("grad b[%d] = %v, want %v", ch, b.Grad[ch], s)
		}
	}
	for i, g := range a.Grad {
		if g != b.Data[(i/4096)%4] {
			t.Fatalf("grad a[%d] = %v", i, g)
		}
	}
}

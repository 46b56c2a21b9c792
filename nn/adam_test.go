package nn

import (
	"math"
	"testing"

	"github.com/deblur/deblur/tensor"
)

// TestAdamHandComputed checks two Adam steps against values worked out by
// hand from the update rule.
func TestAdamHandComputed(t *testing.T) {
	p := tensor.NewParam(2)
	p.Data[0], p.Data[1] = 1, -2
	q := tensor.NewParam(1)
	q.Data[0] = 0.5
	opt := NewAdam(Group{[]*tensor.Tensor{p}, 0.1}, Group{[]*tensor.Tensor{q}, 0.01})
	// step 1: g = (0.5, -4), q: g = 2
	p.Grad[0], p.Grad[1], q.Grad[0] = 0.5, -4, 2
	opt.Step(1)
	// m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2 -> update lr * g/(|g| + eps) ~ lr * sign(g)
	want := []float64{1 - 0.1*0.5/(0.5+1e-8), -2 + 0.1*4/(4+1e-8), 0.5 - 0.01*2/(2+1e-8)}
	got := []float32{p.Data[0], p.Data[1], q.Data[0]}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6 {
			t.Fatalf("step 1 param %d = %v, want %v", i, got[i], want[i])
		}
	}
	// step 2 for p[0] with g = 1.5 and lr scale 0.5:
	opt.ZeroGrad()
	p.Grad[0] = 1.5
	opt.Step(0.5)
	m := 0.9*0.05 + 0.1*1.5
	v := 0.999*0.00025 + 0.001*2.25
	bc1, bc2 := 1-0.81, 1-0.999*0.999
	w := want[0] - 0.05/bc1*m/(math.Sqrt(v)/math.Sqrt(bc2)+1e-8)
	if math.Abs(float64(p.Data[0])-w) > 3e-6 { // float32 arithmetic
		t.Fatalf("step 2 = %v, want %v", p.Data[0], w)
	}
	if opt.Steps() != 2 {
		t.Fatalf("steps = %d", opt.Steps())
	}
}

func TestMultiStep(t *testing.T) {
	s := MultiStep{[]int{2000, 3000, 4000}, 0.5}
	for step, want := range map[int]float64{0: 1, 1999: 1, 2000: 0.5, 2999: 0.5, 3000: 0.25, 4999: 0.125} {
		if got := s.Factor(step); got != want {
			t.Errorf("Factor(%d) = %v, want %v", step, got, want)
		}
	}
}

func TestLayerShapes(t *testing.T) {
	rng := NewRand(1)
	x := tensor.New(1, 3, 9, 8)
	for _, tc := range []struct {
		c              *Conv2d
		wantH, wantW   int
		wantC, nParams int
	}{
		{NewConv2d(rng, 3, 5, 3, 1, true, ReflectPad), 9, 8, 5, 2},
		{NewConv2d(rng, 3, 4, 3, 2, true, ReflectPad), 5, 4, 4, 2},
		{NewConv2d(rng, 3, 2, 1, 1, false, ZeroPad), 9, 8, 2, 1},
		{NewConv2d(rng, 3, 2, 5, 2, true, ZeroPad), 5, 4, 2, 2},
	} {
		y := tc.c.Forward(nil, x)
		if y.Dim(1) != tc.wantC || y.Dim(2) != tc.wantH || y.Dim(3) != tc.wantW || len(tc.c.Params()) != tc.nParams {
			t.Errorf("conv %v: output %v, %d params", tc.c.W.Shape(), y.Shape(), len(tc.c.Params()))
		}
	}
	c := NewConv2d(rng, 16, 8, 3, 1, true, ZeroPad)
	bound := float32(1 / math.Sqrt(16*9))
	for _, v := range append(append([]float32{}, c.W.Data...), c.B.Data...) {
		if v < -bound || v >= bound {
			t.Fatalf("init value %v outside +-%v", v, bound)
		}
	}
}

// TestAdamBetas checks one step with the DCGAN settings beta1 = 0.5 against
// the update rule worked out by hand.
func TestAdamBetas(t *testing.T) {
	p := tensor.NewParam(1)
	opt := NewAdam(Group{[]*tensor.Tensor{p}, 2e-4})
	opt.Beta1 = 0.5
	p.Grad[0] = 3
	opt.Step(1)
	p.Grad[0] = -1
	opt.Step(1)
	m := 0.5*0.5*3 + 0.5*-1 // 0.25
	v := 0.999*0.001*9 + 0.001*1
	want := -2e-4 - 2e-4/(1-0.25)*m/(math.Sqrt(v)/math.Sqrt(1-0.999*0.999)+1e-8)
	if math.Abs(float64(p.Data[0])-want) > 1e-8 {
		t.Fatalf("after two steps p = %v, want %v", p.Data[0], want)
	}
}

// TestAdamStateResume checks that restoring a saved state continues the
// run exactly: three steps in one go equal one step, State, a new optimiser
// with SetState, and two more steps.
func TestAdamStateResume(t *testing.T) {
	grads := [][]float32{{0.5, -1}, {2, 0.1}, {-0.3, 0.7}}
	run := func(p *tensor.Tensor, opt *Adam, from, to int) {
		for s := from; s < to; s++ {
			copy(p.Grad, grads[s])
			opt.Step(1)
		}
	}
	a := tensor.NewParam(2)
	optA := NewAdam(Group{[]*tensor.Tensor{a}, 0.01})
	run(a, optA, 0, 3)

	b := tensor.NewParam(2)
	optB := NewAdam(Group{[]*tensor.Tensor{b}, 0.01})
	run(b, optB, 0, 1)
	st := optB.State()
	c := tensor.NewParam(2)
	copy(c.Data, b.Data)
	optC := NewAdam(Group{[]*tensor.Tensor{c}, 0.01})
	if err := optC.SetState(st); err != nil {
		t.Fatal(err)
	}
	run(c, optC, 1, 3)
	if a.Data[0] != c.Data[0] || a.Data[1] != c.Data[1] || optC.Steps() != 3 {
		t.Fatalf("resumed %v (%d steps), uninterrupted %v", c.Data, optC.Steps(), a.Data)
	}
	st.M[0][0] = st.M[0][0][:1]
	if err := optC.SetState(st); err == nil {
		t.Error("state with a short moment accepted")
	}
}

func TestConvTransposeShapes(t *testing.T) {
	rng := NewRand(2)
	for _, tc := range []struct{ k, stride, pad, outPad, h, want int }{
		{2, 1, 0, 0, 12, 13}, // the kernel VAE's decoder
		{4, 2, 1, 0, 7, 14},  // the digit VAE's decoder
		{5, 2, 2, 1, 4, 8},   // the DCGAN generator
	} {
		c := NewConvTranspose2d(rng, 3, 2, tc.k, tc.stride, tc.pad, tc.outPad, true)
		y := c.Forward(nil, tensor.New(1, 3, tc.h, tc.h))
		if y.Dim(1) != 2 || y.Dim(2) != tc.want || y.Dim(3) != tc.want || len(c.Params()) != 2 {
			t.Errorf("%+v: output %v", tc, y.Shape())
		}
		bound := float32(1 / math.Sqrt(float64(2*tc.k*tc.k)))
		for _, v := range c.W.Data {
			if v < -bound || v >= bound {
				t.Fatalf("init value %v outside +-%v", v, bound)
			}
		}
	}
}

package nn

import (
	"math"
	"testing"

	"github.com/deblur/deblur/tensor"
)

// TestBatchNormRunningStats checks PyTorch's running-statistics update
// (momentum 0.1, unbiased variance) against hand-computed values, and that
// Eval with running statistics equal to the batch's biased statistics
// reproduces the training-mode output.
func TestBatchNormRunningStats(t *testing.T) {
	// Two samples, two channels, 1x2 each: channel 0 holds 1, 2, 3, 6;
	// channel 1 holds -1, -1, 1, 1.
	x := tensor.FromData([]float32{1, 2, -1, -1, 3, 6, 1, 1}, 2, 2, 1, 2)
	bn := NewBatchNorm2d(2)
	bn.Gamma.Data[0], bn.Gamma.Data[1] = 2, 0.5
	bn.Beta.Data[0], bn.Beta.Data[1] = -1, 3
	bn.TrackRunningStats()
	train := bn.Forward(nil, x).Clone()
	// channel 0: mean 3, biased var (4+1+0+9)/4 = 3.5, unbiased 14/3.
	// channel 1: mean 0, biased var 1, unbiased 4/3.
	wantMean := []float64{0.1 * 3, 0}
	wantVar := []float64{0.9 + 0.1*14.0/3, 0.9 + 0.1*4.0/3}
	for c := range 2 {
		if math.Abs(float64(bn.RunningMean.Data[c])-wantMean[c]) > 1e-6 || math.Abs(float64(bn.RunningVar.Data[c])-wantVar[c]) > 1e-6 {
			t.Errorf("channel %d: running mean/var %v/%v, want %v/%v", c, bn.RunningMean.Data[c], bn.RunningVar.Data[c], wantMean[c], wantVar[c])
		}
	}
	bn.RunningMean.Data[0], bn.RunningVar.Data[0] = 3, 3.5
	bn.RunningMean.Data[1], bn.RunningVar.Data[1] = 0, 1
	eval := bn.Eval(nil, x)
	for i := range train.Data {
		if math.Abs(float64(eval.Data[i]-train.Data[i])) > 1e-5 {
			t.Fatalf("Eval %v, training mode %v", eval.Data, train.Data)
		}
	}
	// Eval of one sample alone gives that sample's rows of the batch result.
	one := bn.Eval(nil, tensor.FromData(append([]float32(nil), x.Data[4:]...), 1, 2, 1, 2))
	for i, v := range one.Data {
		if v != eval.Data[4+i] {
			t.Fatalf("Eval depends on the batch: %v vs %v", one.Data, eval.Data[4:])
		}
	}
	// Without tracking, Forward leaves no statistics behind.
	plain := NewBatchNorm2d(2)
	plain.Forward(nil, x)
	if plain.RunningMean != nil {
		t.Error("untracked batch norm grew running statistics")
	}
}

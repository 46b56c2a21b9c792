package selfdeblur

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/deblur/deblur/nn"
)

// TestPolishLowersFrozenObjective fits a synthetic case briefly, then
// polishes: the objective against the frozen image must fall, the image
// network must not move, and a cancelled context must stop it before a step.
func TestPolishLowersFrozenObjective(t *testing.T) {
	_, blurry := syntheticCase(t, 48, motionKernel9())
	s := recoverySettings().WithIterations(120)
	p, err := newProblem(blurry, s)
	if err != nil {
		t.Fatal(err)
	}
	sched := nn.MultiStep{Milestones: s.Milestones, Gamma: s.LRGamma}
	for it := range s.Iterations {
		p.step(it, sched.Factor(it), it >= s.SSIMFrom, 0)
	}
	var gx []float32
	for _, t := range nn.Tensors(p.gx.Params()) {
		gx = append(gx, t.Data...)
	}
	ctx := context.Background()
	lr := s.LRKernel * sched.Factor(s.Iterations-1)
	before := p.polish(ctx, 0, lr, true)
	after := p.polish(ctx, 80, lr, true)
	if !(after < before) {
		t.Fatalf("polish moved the objective from %.6f to %.6f", before, after)
	}
	if again := p.polish(ctx, 0, lr, true); math.Abs(again-after) > 1e-7 {
		t.Errorf("polish reported %.8f but left a kernel at %.8f", after, again)
	}
	var gx2 []float32
	for _, t := range nn.Tensors(p.gx.Params()) {
		gx2 = append(gx2, t.Data...)
	}
	if !slices.Equal(gx, gx2) {
		t.Error("polish changed the image network")
	}
	t.Logf("objective %.6f -> %.6f", before, after)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	k0 := slices.Clone(p.gk.Forward(nil).Data)
	if v := p.polish(cancelled, 50, lr, true); math.Abs(v-after) > 1e-7 {
		t.Errorf("cancelled polish reported %.8f, want the current %.8f", v, after)
	}
	if !slices.Equal(k0, p.gk.Forward(nil).Data) {
		t.Error("a polish cancelled before it began moved the kernel")
	}
}

// TestRunPolish: with PolishIterations the image is the same as without
// (Gx is frozen), the kernel differs and is still a kernel, and
// PolishLoss reports the polished objective; without, PolishLoss is 0.
func TestRunPolish(t *testing.T) {
	_, blurry := syntheticCase(t, 48, motionKernel9())
	s := recoverySettings().WithIterations(40)
	plain, err := Run(context.Background(), blurry, s)
	if err != nil {
		t.Fatal(err)
	}
	s.PolishIterations = 30
	pol, err := Run(context.Background(), blurry, s)
	if err != nil {
		t.Fatal(err)
	}
	if plain.PolishLoss != 0 || !(pol.PolishLoss > 0) {
		t.Fatalf("PolishLoss %v without polish, %v with", plain.PolishLoss, pol.PolishLoss)
	}
	if !slices.Equal(plain.Image.Pix, pol.Image.Pix) {
		t.Error("polishing the kernel changed the image")
	}
	if slices.Equal(plain.Kernel.Pix, pol.Kernel.Pix) {
		t.Error("polishing left the kernel as it was")
	}
	sum := 0.0
	for _, v := range pol.Kernel.Pix {
		if v < 0 {
			t.Fatalf("negative kernel entry %v", v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-4 {
		t.Errorf("polished kernel sums to %v", sum)
	}
	s.PolishIterations = -1
	if err := s.Validate(); err == nil {
		t.Error("negative PolishIterations accepted")
	}
}

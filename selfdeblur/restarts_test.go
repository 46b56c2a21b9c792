package selfdeblur

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/plane"
)

// TestRestartsKeepLowestObjective: Restarts 3 with PickObjective returns,
// bit for bit, the single-seed fit (seeds Seed..Seed+2) with the lowest
// final objective, and lists every fit's final objective and sharpness,
// whether the fits run concurrently or in turn.
func TestRestartsKeepLowestObjective(t *testing.T) {
	testRestartsKeep(t, PickObjective, func(r *Result) float64 { return lastOr(r.Losses, 0) })
}

// TestRestartsKeepSharpest: the same with the default pick (restarts in
// one frame: PickSharpest), keeping the lowest GradientSparsity.
func TestRestartsKeepSharpest(t *testing.T) {
	testRestartsKeep(t, PickAuto, func(r *Result) float64 { return GradientSparsity(r.Image) })
}

func testRestartsKeep(t *testing.T, pick Pick, score func(*Result) float64) {
	_, blurry := syntheticCase(t, 40, motionKernel9())
	s := recoverySettings()
	s.Iterations = 20
	s.SSIMFrom = 10
	s.Seed = 1 // seeds 1..3: the objective keeps seed 2, sharpness seed 1
	s.Pick = pick
	single := make([]*Result, 3)
	want := 0
	for i := range single {
		si := s
		si.Seed = s.Seed + uint64(i)
		r, err := Run(context.Background(), blurry, si)
		if err != nil {
			t.Fatal(err)
		}
		single[i] = r
		if score(r) < score(single[want]) {
			want = i
		}
	}
	// The two rules must disagree on this case, or the test could not tell
	// them apart.
	byLoss, bySharp := 0, 0
	for i, r := range single {
		if lastOr(r.Losses, 0) < lastOr(single[byLoss].Losses, 0) {
			byLoss = i
		}
		if GradientSparsity(r.Image) < GradientSparsity(single[bySharp].Image) {
			bySharp = i
		}
	}
	if byLoss == bySharp {
		t.Fatalf("objective and sharpness both pick seed %d; choose a case where they differ", s.Seed+uint64(byLoss))
	}
	s.Restarts = 3
	got, err := Run(context.Background(), blurry, s)
	if err != nil {
		t.Fatal(err)
	}
	// The fits in turn, two threads each, give the same.
	seq := s
	seq.Concurrency, seq.Threads = 1, 2
	inTurn, err := Run(context.Background(), blurry, seq)
	if err != nil {
		t.Fatal(err)
	}
	if inTurn.Seed != got.Seed || !bytes.Equal(planeBytes(inTurn.Kernel), planeBytes(got.Kernel)) {
		t.Fatalf("fits in turn chose seed %d, concurrent %d (or their kernels differ)", inTurn.Seed, got.Seed)
	}
	if got.Seed != s.Seed+uint64(want) {
		t.Fatalf("chose seed %d, want %d (final objectives %v)", got.Seed, s.Seed+uint64(want), got.RestartLosses)
	}
	if !bytes.Equal(planeBytes(got.Image), planeBytes(single[want].Image)) || !bytes.Equal(planeBytes(got.Kernel), planeBytes(single[want].Kernel)) {
		t.Fatal("the chosen fit differs from the same seed run alone")
	}
	if len(got.RestartLosses) != 3 {
		t.Fatalf("RestartLosses %v, want 3 values", got.RestartLosses)
	}
	for i, l := range got.RestartLosses {
		if w := lastOr(single[i].Losses, math.NaN()); l != w {
			t.Errorf("restart %d: final objective %v, alone %v", i, l, w)
		}
	}
	if len(got.RestartSharpness) != 3 {
		t.Fatalf("RestartSharpness %v, want 3 values", got.RestartSharpness)
	}
	if wantPick := pick.resolve(nil); got.Picked != wantPick || wantPick == PickAuto {
		t.Errorf("Picked %v, want %v", got.Picked, wantPick)
	}
	for i, v := range got.RestartSharpness {
		if w := GradientSparsity(single[i].Image); v != w {
			t.Errorf("restart %d: sharpness %v, alone %v", i, v, w)
		}
	}
}

func TestRestartsRejectNegative(t *testing.T) {
	s := recoverySettings()
	s.Restarts = -1
	if err := s.Validate(); err == nil {
		t.Fatal("Restarts -1 accepted")
	}
}

// TestRestartKernelSizes: each restart fits its own kernel frame, exactly
// as that size and seed alone would, and (PickAuto across frames) the
// lowest final objective wins.
func TestRestartKernelSizes(t *testing.T) {
	_, blurry := syntheticCase(t, 40, motionKernel9())
	s := recoverySettings()
	s.Iterations = 20
	s.SSIMFrom = 10
	s.Seed = 3
	sizes := []int{11, 5}
	alone := make([]*Result, len(sizes))
	want := 0
	for i, k := range sizes {
		si := s
		si.KernelSize, si.Seed = k, s.Seed+uint64(i)
		r, err := Run(context.Background(), blurry, si)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kernel.W != k {
			t.Fatalf("size %d alone gave a %d kernel", k, r.Kernel.W)
		}
		alone[i] = r
		if lastOr(r.Losses, 0) < lastOr(alone[want].Losses, 0) {
			want = i
		}
	}
	s.KernelSize = 11
	s.Restarts = 2
	s.RestartKernelSizes = sizes
	got, err := Run(context.Background(), blurry, s)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seed != s.Seed+uint64(want) || got.Kernel.W != sizes[want] {
		t.Fatalf("chose seed %d with a %d kernel, want seed %d, size %d (objectives %v)", got.Seed, got.Kernel.W, s.Seed+uint64(want), sizes[want], got.RestartLosses)
	}
	if !bytes.Equal(planeBytes(got.Kernel), planeBytes(alone[want].Kernel)) {
		t.Fatal("the chosen fit differs from the same size and seed run alone")
	}
	if got.Picked != PickObjective {
		t.Errorf("across frames Picked %v, want objective", got.Picked)
	}
	for i, l := range got.RestartLosses {
		if w := lastOr(alone[i].Losses, math.NaN()); l != w {
			t.Errorf("restart %d (size %d): final objective %v, alone %v", i, sizes[i], l, w)
		}
	}
	for _, bad := range [][]int{{11}, {11, 5, 7}, {11, 1}} {
		b := s
		b.RestartKernelSizes = bad
		if err := b.Validate(); err == nil {
			t.Errorf("restart kernel sizes %v with 2 restarts accepted", bad)
		}
	}
}

// TestDivergenceIsAnError: an input that makes the loss NaN stops the fit
// with ErrDiverged, alone or as both of two restarts, and what Run returns
// holds no NaN (the last finite state: here the networks' first output).
func TestDivergenceIsAnError(t *testing.T) {
	_, blurry := syntheticCase(t, 40, motionKernel9())
	blurry.Pix[5*blurry.W+7] = math.NaN()
	for _, restarts := range []int{1, 2} {
		s := recoverySettings()
		s.Iterations = 5
		s.Restarts = restarts
		res, err := Run(context.Background(), blurry, s)
		if !errors.Is(err, blind.ErrDiverged) || res == nil {
			t.Fatalf("restarts %d: result %v, error %v", restarts, res != nil, err)
		}
		for _, p := range []*plane.Plane{res.Image, res.Kernel} {
			for _, v := range p.Pix {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("restarts %d: a diverged run returned %v", restarts, v)
				}
			}
		}
	}
}

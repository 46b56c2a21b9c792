package selfdeblur

import (
	"context"
	"math"
	"testing"
)

// TestVariantsRun runs every selectable solver, loss and kernel network for
// a few iterations: each must give a finite loss and a valid kernel.
func TestVariantsRun(t *testing.T) {
	_, blurry := syntheticCase(t, 40, motionKernel9())
	for _, tc := range []struct {
		name   string
		modify func(*Settings)
	}{
		{"joint code", func(s *Settings) {}},
		{"alternating", func(s *Settings) { s.Solver = Alternating }},
		{"paper loss, estimated TV weight", func(s *Settings) { s.Loss = LossMSETV; s.TVWeight = 0 }},
		{"paper loss, TV 1e-3", func(s *Settings) { s.Loss = LossMSETV; s.TVWeight = 1e-3 }},
		{"ssim from start", func(s *Settings) { s.SSIMFrom = 0 }},
		{"no hidden", func(s *Settings) { s.KernelNet = KernelNoHidden }},
		{"extra hidden", func(s *Settings) { s.KernelNet = KernelExtraHidden }},
		{"double dip", func(s *Settings) { s.KernelNet = KernelDIP }},
		{"kernel prior", func(s *Settings) {
			s.KernelNet, s.KernelDecoder = KernelPrior, newBasisDecoder(11, motionKernel9(), motionKernel9().Rot180())
		}},
	} {
		s := recoverySettings()
		s.Gx = UniformSkip(8, 4)
		s.Iterations = 4
		tc.modify(&s)
		res, err := Run(context.Background(), blurry, s)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		k := res.Kernel
		if k.W != 9 || math.Abs(k.Sum()-1) > 1e-5 || len(res.Losses) != 4 || math.IsNaN(res.Losses[3]) {
			t.Errorf("%s: kernel %dx%d sum %v, losses %v", tc.name, k.W, k.H, k.Sum(), res.Losses)
		}
		for _, v := range k.Pix {
			if v < 0 {
				t.Errorf("%s: negative kernel value %v", tc.name, v)
				break
			}
		}
	}
	s := recoverySettings()
	s.KernelNet = "gaussian"
	if _, err := Run(context.Background(), blurry, s); err == nil {
		t.Error("unknown kernel network accepted")
	}
}

package selfdeblur

import (
	"slices"
	"testing"
)

func TestWithIterationsScalesSchedule(t *testing.T) {
	base := FastCoarseToFine(9) // 700 iterations: SSIM from 175, milestones 350/525/612, coarse until 400
	s := base.WithIterations(350)
	if s.Iterations != 350 || s.SSIMFrom != 87 || !slices.Equal(s.Milestones, []int{175, 262, 306}) || s.Scales[0].Until != 200 {
		t.Fatalf("WithIterations(350): %d iterations, SSIM from %d, milestones %v, coarse until %d",
			s.Iterations, s.SSIMFrom, s.Milestones, s.Scales[0].Until)
	}
	if base.Milestones[0] != 350 || base.Scales[0].Until != 400 {
		t.Fatalf("WithIterations changed its receiver's schedule: %v, %v", base.Milestones, base.Scales)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	p := Paper(9)
	p.SSIMFrom = 0 // 1 - SSIM from the start stays so
	if got := p.WithIterations(100).SSIMFrom; got != 0 {
		t.Fatalf("SSIMFrom 0 became %d", got)
	}
}

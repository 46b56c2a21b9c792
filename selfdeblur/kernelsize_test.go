package selfdeblur

import (
	"slices"
	"testing"
)

func TestWithGivenFrames(t *testing.T) {
	s := Default(17)
	got, ok := WithGivenFrames(s, 255, 255, 0)
	if !ok || got.KernelSize != 31 || !slices.Equal(got.RestartKernelSizes, []int{31, 17}) {
		t.Errorf("no limit: %v %d %v", ok, got.KernelSize, got.RestartKernelSizes)
	}
	if got, ok := WithGivenFrames(s, 255, 255, 29); ok || got.KernelSize != 17 || got.RestartKernelSizes != nil {
		t.Errorf("frame over the limit kept: %d %v", got.KernelSize, got.RestartKernelSizes)
	}
	s.KernelNet = KernelPrior
	if _, ok := WithGivenFrames(s, 255, 255, 0); ok {
		t.Error("kernel prior given a second frame")
	}
}

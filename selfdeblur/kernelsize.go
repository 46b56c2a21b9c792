package selfdeblur

import (
	"slices"

	"github.com/deblur/deblur/kernel"
)

// WithGivenFrames returns s with its restarts in the frames of
// kernel.GivenFrames for s.KernelSize on a w x h region (KernelSize
// becomes the largest frame) and true, or s unchanged and false where every
// restart keeps the given frame: GivenFrames returns nil, the kernel prior
// fixes the frame, or the generous frame exceeds maxFrame (0: no limit).
func WithGivenFrames(s Settings, w, h, maxFrame int) (Settings, bool) {
	if s.KernelNet == KernelPrior {
		return s, false
	}
	sizes := kernel.GivenFrames(s.KernelSize, w, h, s.Restarts)
	if sizes == nil || (maxFrame > 0 && slices.Max(sizes) > maxFrame) {
		return s, false
	}
	s.KernelSize = slices.Max(sizes)
	s.RestartKernelSizes = sizes
	return s, true
}

package deblur

import (
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/selfdeblur"
)

// estimateScale returns the factor by which Blind shrinks a w x h image
// before estimating a k x k kernel when kernels above maxKernel pixels are
// estimated on a shrunk copy (maxKernel <= 0: never), and the kernel size
// at that scale (odd, covering k/f). The factor is lowered while the shrunk
// image would be smaller than the kernel or than minSize, the image
// network's smallest input, once padded by the kernel.
func estimateScale(k, maxKernel, w, h, minSize int) (f, kc int) {
	if maxKernel <= 0 || k <= maxKernel {
		return 1, k
	}
	for f = (k + maxKernel - 1) / maxKernel; f > 1; f-- {
		kc = kernel.ScaledSize(k, f)
		if side := min(w, h) / f; side >= kc && side+kc-1 >= minSize {
			return f, kc
		}
	}
	return 1, k
}

// fullKernelSize is the full-scale size of the kernel a SelfDeblur run
// with settings s returned with seed: the restart's own frame when s
// gives each restart one, s.KernelSize otherwise.
func fullKernelSize(s selfdeblur.Settings, seed uint64) int {
	if i := seed - s.Seed; len(s.RestartKernelSizes) > 0 && i < uint64(len(s.RestartKernelSizes)) {
		return s.RestartKernelSizes[i]
	}
	return s.KernelSize
}

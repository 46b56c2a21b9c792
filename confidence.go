package deblur

import (
	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
)

// Confidence is the evidence a run has, without the true kernel, that its
// kernel is right.
type Confidence struct {
	// Agreement is the normalised cross-correlation, at their best shift,
	// of the kernels of two fits made independently (different seeds and
	// frames): near 1 when both found the same blur. Nil with one fit.
	Agreement *float64 `json:"fit_agreement,omitempty"`
	// MainPiece is the share of the kernel's mass in its largest
	// connected piece (values of at least 5 % of the peak): a camera
	// shake is one stroke.
	MainPiece float64 `json:"main_piece"`
}

// pieceFloor is the fraction of the peak below which kernel values belong
// to no piece (kernel.Pieces).
const pieceFloor = 0.05

// newConfidence measures k, the kernel kept, and the fits of est.
func newConfidence(k *plane.Plane, est *blind.Estimate) Confidence {
	var c Confidence
	if p := kernel.Pieces(k, pieceFloor); len(p) > 0 {
		c.MainPiece = p[0]
	}
	var ks []*plane.Plane
	for _, f := range est.Fits {
		if f.Kernel != nil {
			ks = append(ks, f.Kernel)
		}
	}
	if len(ks) == 2 {
		if r, err := metrics.KernelError(ks[0], ks[1]); err == nil {
			c.Agreement = &r.NCC
		}
	}
	return c
}

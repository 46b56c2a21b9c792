package deconv

import (
	"context"
	"fmt"

	"github.com/deblur/deblur/plane"
)

// Method is a non-blind deconvolution with fixed settings.
type Method func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error)

// methodTable lists the named methods in the order Methods reports them.
func methodTable() []struct {
	name string
	run  Method
} {
	return []struct {
		name string
		run  Method
	}{
		{"wiener", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return Wiener(ctx, y, k, WienerOptions{})
		}},
		{"wiener-reflect", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return Wiener(ctx, y, k, WienerOptions{Model: Model{Boundary: BoundaryReflect}})
		}},
		{"hyperlaplacian", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{})
		}},
		{"hl-0.5", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{Alpha: 0.5, Lambda: hl05Lambda})
		}},
		{"hl-fast", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{CGIter: fastCGIter})
		}},
		{"hl-fill", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{Fill: 1})
		}},
		{"hl-smooth", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{Model: Model{Boundary: BoundarySmooth}})
		}},
		{"hl-reflect", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{Model: Model{Boundary: BoundaryReflect}})
		}},
		{"irls", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return IRLS(ctx, y, k, IRLSOptions{})
		}},
		{"saturated", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return Saturated(ctx, y, k, SaturatedOptions{})
		}},
		{"wiener-circular", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return Wiener(ctx, y, k, WienerOptions{Model: Model{Boundary: BoundaryCircular}})
		}},
		{"hl-circular", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return HyperLaplacian(ctx, y, k, HyperLaplacianOptions{Model: Model{Boundary: BoundaryCircular}})
		}},
		{"irls-circular", func(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
			return IRLS(ctx, y, k, IRLSOptions{Model: Model{Boundary: BoundaryCircular}})
		}},
		{"auto", auto},
	}
}

// fastCGIter is the number of conjugate-gradient iterations per x step of
// the "hl-fast" method (the default, 10, is the exact "hyperlaplacian").
const fastCGIter = 5

// hl05Lambda is the prior weight of the "hl-0.5" method (the
// HyperLaplacianOptions default, 1e-4, is tuned for Alpha 2/3).
const hl05Lambda = 7e-5

// Methods returns the names Lookup and Deconvolve accept.
func Methods() []string {
	var names []string
	for _, m := range methodTable() {
		names = append(names, m.name)
	}
	return names
}

// Lookup returns the method called name with its default settings:
//
//	wiener          Wiener (quadratic gradient prior), valid boundary model
//	wiener-reflect  Wiener with BoundaryReflect (for comparison)
//	hyperlaplacian  HyperLaplacian, alpha 2/3, valid boundary model
//	hl-0.5          HyperLaplacian, alpha 1/2, Lambda 7e-5, valid boundary model
//	hl-fast         HyperLaplacian, valid model, 5 instead of 10 conjugate-
//	                gradient iterations per x step (for large images)
//	hl-fill         HyperLaplacian, valid model, Fill 1: FFT solves with the
//	                data outside y filled in, no conjugate gradients
//	hl-smooth       HyperLaplacian, BoundarySmooth: periodic, FFTs only
//	hl-reflect      HyperLaplacian, alpha 2/3, BoundaryReflect (for comparison)
//	irls            IRLS (Levin et al. sparse prior, alpha 0.8), valid model
//	saturated       Saturated (clipped pixels ignored), IRLS, valid model
//	wiener-circular Wiener, BoundaryCircular (for circularly blurred images)
//	hl-circular     HyperLaplacian, alpha 2/3, BoundaryCircular
//	irls-circular   IRLS, BoundaryCircular
//	auto            the method ForSize picks for the size of y
func Lookup(name string) (Method, error) {
	for _, m := range methodTable() {
		if m.name == name {
			return m.run, nil
		}
	}
	return nil, fmt.Errorf("deconv: unknown method %q (have %v)", name, Methods())
}

// Deconvolve runs the method called name (see Lookup) on y with kernel k.
func Deconvolve(ctx context.Context, name string, y, k *plane.Plane) (*plane.Plane, error) {
	m, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return m(ctx, y, k)
}

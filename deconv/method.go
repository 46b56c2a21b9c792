package deconv

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/deblur/deblur/plane"
)

// Deconvolver is a non-blind deconvolution with fixed settings: it
// estimates the sharp plane from the blurry plane y and the convolution
// kernel k (see the package documentation for the conventions). Wiener,
// HyperLaplacian, IRLS, Saturated and Auto implement it; their zero values
// are the methods with their default settings.
type Deconvolver interface {
	Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error)
}

// Auto deconvolves with the method ForSize picks for the size of y.
type Auto struct{}

// Deconvolve runs the method ForSize picks for y.
func (Auto) Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	name := "hyperlaplacian" // which reports the error
	if y != nil {
		name = ForSize(y.W, y.H)
	}
	d, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return d.Deconvolve(ctx, y, k)
}

// named lists the named methods in the order Methods reports them.
func named() []struct {
	name string
	d    Deconvolver
} {
	return []struct {
		name string
		d    Deconvolver
	}{
		{"wiener", Wiener{}},
		{"wiener-reflect", Wiener{Model: Model{Boundary: BoundaryReflect}}},
		{"hyperlaplacian", HyperLaplacian{}},
		{"hl-0.5", HyperLaplacian{Alpha: 0.5, Lambda: hl05Lambda}},
		{"hl-fast", HyperLaplacian{CGIter: fastCGIter}},
		{"hl-fill", HyperLaplacian{Fill: 1}},
		{"hl-smooth", HyperLaplacian{Model: Model{Boundary: BoundarySmooth}}},
		{"hl-reflect", HyperLaplacian{Model: Model{Boundary: BoundaryReflect}}},
		{"irls", IRLS{}},
		{"saturated", Saturated{}},
		{"wiener-circular", Wiener{Model: Model{Boundary: BoundaryCircular}}},
		{"hl-circular", HyperLaplacian{Model: Model{Boundary: BoundaryCircular}}},
		{"irls-circular", IRLS{Model: Model{Boundary: BoundaryCircular}}},
		{"auto", Auto{}},
	}
}

// fastCGIter is the number of conjugate-gradient iterations per x step of
// the "hl-fast" method (the default, 10, is the exact "hyperlaplacian").
const fastCGIter = 5

// hl05Lambda is the fixed prior weight of the "hl-0.5" method (the
// HyperLaplacian default, HLNoiseLambda, is fitted for Alpha 2/3).
const hl05Lambda = 7e-5

// Methods returns the names Lookup accepts.
func Methods() []string {
	var names []string
	for _, m := range named() {
		names = append(names, m.name)
	}
	return names
}

// Lookup returns the method called name, optionally followed by settings
// that replace the named method's: "NAME:key=value,key=value", where a key
// is a numeric field of the method's type in lower case (lambda, alpha,
// cgiter, outer, fill, ...; 0 for the default, or positive) or "boundary"
// (valid, reflect, smooth or circular); e.g. "irls:lambda=1e-3,outer=4".
// The names:
//
//	wiener          Wiener{}: quadratic gradient prior, valid boundary model
//	wiener-reflect  Wiener with BoundaryReflect (for comparison)
//	hyperlaplacian  HyperLaplacian{}: alpha 2/3, valid boundary model, the
//	                prior's weight from the noise of y (HLNoiseLambda)
//	hl-0.5          HyperLaplacian, alpha 1/2, Lambda 7e-5, valid boundary model
//	hl-fast         HyperLaplacian, valid model, 5 instead of 10 conjugate-
//	                gradient iterations per x step (for large images)
//	hl-fill         HyperLaplacian, valid model, Fill 1: FFT solves with the
//	                data outside y filled in, no conjugate gradients
//	hl-smooth       HyperLaplacian, BoundarySmooth: periodic, FFTs only
//	hl-reflect      HyperLaplacian, alpha 2/3, BoundaryReflect (for comparison)
//	irls            IRLS{}: Levin et al. sparse prior, alpha 0.8, valid model,
//	                the prior's weight from the noise of y (NoiseLambda)
//	saturated       Saturated{}: clipped pixels ignored, IRLS, valid model
//	wiener-circular Wiener, BoundaryCircular (for circularly blurred images)
//	hl-circular     HyperLaplacian, alpha 2/3, BoundaryCircular
//	irls-circular   IRLS, BoundaryCircular
//	auto            Auto{}: the method ForSize picks for the size of y
func Lookup(name string) (Deconvolver, error) {
	base, settings, _ := strings.Cut(name, ":")
	for _, m := range named() {
		if m.name == base {
			if settings == "" {
				return m.d, nil
			}
			return withSettings(m.d, settings)
		}
	}
	return nil, fmt.Errorf("deconv: unknown method %q (have %v)", base, Methods())
}

// withSettings returns d with the comma-separated key=value settings
// applied to its fields (see Lookup).
func withSettings(d Deconvolver, settings string) (Deconvolver, error) {
	v := reflect.New(reflect.TypeOf(d)).Elem()
	v.Set(reflect.ValueOf(d))
	for _, kv := range strings.Split(settings, ",") {
		key, val, ok := strings.Cut(kv, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok || key == "" {
			return nil, fmt.Errorf("deconv: setting %q: want key=value", kv)
		}
		if err := setField(v, key, strings.TrimSpace(val)); err != nil {
			return nil, fmt.Errorf("deconv: %T setting %q: %w", d, kv, err)
		}
	}
	return v.Interface().(Deconvolver), nil
}

// setField sets the numeric field of struct v (or of its embedded Model)
// whose lower-case name is key, or the boundary model.
func setField(v reflect.Value, key, val string) error {
	if key == "boundary" {
		m := v.FieldByName("Model")
		for b := BoundaryValid; b <= BoundarySmooth; b++ {
			if m.IsValid() && b.String() == val {
				m.FieldByName("Boundary").Set(reflect.ValueOf(b))
				return nil
			}
		}
		return fmt.Errorf("want valid, reflect, smooth or circular")
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if strings.ToLower(v.Type().Field(i).Name) != key {
			continue
		}
		switch f.Kind() {
		case reflect.Float64:
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				return fmt.Errorf("want 0 (the default) or a positive number")
			}
			f.SetFloat(x)
			return nil
		case reflect.Int:
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return fmt.Errorf("want 0 (the default) or a positive integer")
			}
			f.SetInt(int64(n))
			return nil
		case reflect.Bool:
			b, err := strconv.ParseBool(val)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			f.SetBool(b)
			return nil
		}
		break
	}
	return fmt.Errorf("no numeric setting %q", key)
}

// Name returns the name Lookup gives d under, or, for settings of its own,
// its type and values (e.g. "deconv.IRLS{Lambda:0.001 ...}").
func Name(d Deconvolver) string {
	if d == nil {
		return "none"
	}
	if reflect.TypeOf(d).Comparable() {
		for _, m := range named() {
			if reflect.TypeOf(m.d) == reflect.TypeOf(d) && m.d == d {
				return m.name
			}
		}
	}
	return fmt.Sprintf("%T%+v", d, d)
}

package bench

import (
	"fmt"
	"path/filepath"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// Case is one benchmark image. Its pixels are loaded on demand by Load, so
// a Dataset of large colour images costs nothing until a case runs.
type Case struct {
	// Name identifies the case; it is unique in its dataset and safe as a
	// file name (e.g. "im1_kernel4", "manmade_01_kernel_03").
	Name string
	// Category groups cases in the published tables: the Lai image category
	// (manmade, natural, people, saturated, text); empty for Levin.
	Category string
	// KernelSize is the kernel size (K x K) the SelfDeblur authors gave
	// their method for this case; blind methods get it as their size.
	KernelSize int

	load func() (*Sample, error)
}

// Sample is the data of a case.
type Sample struct {
	// Blurry is the input image, the same size as Sharp.
	Blurry *imageio.Image
	// Sharp is the ground truth.
	Sharp *imageio.Image
	// Kernel is the true blur as a convolution kernel (Blurry is Kernel
	// convolved with Sharp, plus noise), non-negative, summing to 1.
	Kernel *plane.Plane
}

// Load reads (and for synthesised datasets makes or reuses) the case's
// images and kernel.
func (c Case) Load() (*Sample, error) {
	if c.load == nil {
		return nil, fmt.Errorf("bench: case %q has no data", c.Name)
	}
	s, err := c.load()
	if err != nil {
		return nil, fmt.Errorf("bench: case %s: %w", c.Name, err)
	}
	return s, nil
}

// Dataset is a named, ordered list of cases.
type Dataset struct {
	// Name is "levin" or "lai".
	Name  string
	cases []Case
}

// Cases returns the cases in their canonical order (a new slice).
func (d *Dataset) Cases() []Case { return append([]Case(nil), d.cases...) }

// Open returns the dataset called name ("levin" or "lai") from dataRoot, the
// shared data folder holding levin/ and lai/. Synthesised data (the Lai
// blurry images) is cached under cacheDir, which is created when needed.
func Open(name, dataRoot, cacheDir string) (*Dataset, error) {
	switch name {
	case "levin":
		return Levin(filepath.Join(dataRoot, "levin"))
	case "lai":
		return Lai(filepath.Join(dataRoot, "lai"), cacheDir)
	}
	return nil, fmt.Errorf("bench: unknown dataset %q (levin or lai)", name)
}

// DatasetNames lists the datasets Open knows.
func DatasetNames() []string { return []string{"levin", "lai"} }

package bench

import (
	"fmt"
	"path/filepath"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/metrics"
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
	// Degrade, when not nil, applies this case's blur and noise to another
	// sharp image of Sharp's size, exactly as Blurry was made from Sharp
	// (same kernel, same noise draws). Only synthesised datasets have it;
	// reference rows such as the generator's-range row use it.
	Degrade func(sharp *imageio.Image) (*imageio.Image, error)
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
	// Name is "levin", "lai" or "mnist".
	Name  string
	cases []Case
	// score compares an estimate with the ground truth (gray or luma
	// planes); nil means the benchmarks' protocol (metrics.Standard)
	// (metrics.Standard).
	score func(est, gt *plane.Plane) (metrics.Result, error)
	// summary renders summary.md from the results of every method (total
	// is the number of cases); nil means LevinSummary.
	summary func(byMethod map[string][]CaseResult, total int) string
}

// Score scores est against gt (decoded images, compared on luma unless
// both are gray; see metrics.ScoringPlanes) with the dataset's protocol.
func (d *Dataset) Score(est, gt *imageio.Image) (metrics.Result, error) {
	e, g, err := metrics.ScoringPlanes(est, gt)
	if err != nil {
		return metrics.Result{}, err
	}
	if d.score != nil {
		return d.score(e, g)
	}
	return metrics.Score(e, g, metrics.Standard())
}

// Cases returns the cases in their canonical order (a new slice).
func (d *Dataset) Cases() []Case { return append([]Case(nil), d.cases...) }

// Open returns the dataset called name ("levin", "lai" or "mnist", the
// last with DefaultMNIST's options) from dataRoot, the shared data folder
// holding levin/, lai/ and mnist/. Synthesised data (the Lai blurry images)
// is cached under cacheDir, which is created when needed.
func Open(name, dataRoot, cacheDir string) (*Dataset, error) {
	switch name {
	case "levin":
		return Levin(filepath.Join(dataRoot, "levin"))
	case "lai":
		return Lai(filepath.Join(dataRoot, "lai"), cacheDir)
	case "mnist":
		return MNIST(filepath.Join(dataRoot, "mnist"), DefaultMNIST())
	}
	return nil, fmt.Errorf("bench: unknown dataset %q (levin, lai or mnist)", name)
}

// DatasetNames lists the datasets Open knows.
func DatasetNames() []string { return []string{"levin", "lai", "mnist"} }

package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strconv"
)

// Sweep describes a robustness sweep: one dataset per level of a parameter
// (noise level, blur length), each run like a benchmark of its own.
type Sweep struct {
	// Name names the sweep ("noise", "length"); outputs go to
	// OUTDIR/sweep-NAME/.
	Name string
	// Levels are the parameter values, in plotting order.
	Levels []float64
	// Dataset makes the dataset of a level.
	Dataset func(level float64) (*Dataset, error)
}

// SweepPoint is the mean score of one method at one level.
type SweepPoint struct {
	Level float64
	Stats
}

// Dir returns the folder of one level's runs: OUTDIR/sweep-NAME/LEVEL.
func (sw Sweep) Dir(outDir string, level float64) string {
	return filepath.Join(outDir, "sweep-"+sw.Name, strconv.FormatFloat(level, 'g', -1, 64))
}

// RunSweep runs every method over the dataset of every level (selected by
// opt), each level with its own output folder (Sweep.Dir, under the
// runner's OutDir; runs resume as Run's do), and returns the mean scores
// in level order, methods in the given order.
func (r *Runner) RunSweep(ctx context.Context, sw Sweep, methods []string, opt Options) ([]SweepPoint, error) {
	if len(sw.Levels) == 0 || sw.Dataset == nil {
		return nil, fmt.Errorf("bench: sweep %q has no levels or no dataset", sw.Name)
	}
	var out []SweepPoint
	for _, level := range sw.Levels {
		d, err := sw.Dataset(level)
		if err != nil {
			return out, fmt.Errorf("bench: sweep %s at %g: %w", sw.Name, level, err)
		}
		sub := *r
		sub.OutDir = sw.Dir(r.OutDir, level)
		for _, m := range methods {
			rs, err := sub.Run(ctx, d, m, opt)
			if err != nil {
				return out, fmt.Errorf("bench: sweep %s at %g: %w", sw.Name, level, err)
			}
			s := Summarize(rs)
			s.Method = m
			out = append(out, SweepPoint{Level: level, Stats: s})
		}
	}
	return out, nil
}

// WriteSweepCSV writes the points as CSV (level, method, psnr, ssim,
// kernel_ncc, seconds, cases) to path atomically; levelName heads the
// first column.
func WriteSweepCSV(path, levelName string, pts []SweepPoint) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{levelName, "method", "psnr", "ssim", "kernel_ncc", "seconds", "cases"})
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	for _, p := range pts {
		w.Write([]string{num(p.Level), p.Method, num(p.PSNR), num(p.SSIM), num(p.KernelNCC), num(p.MeanSeconds), strconv.Itoa(p.N)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("bench: %s: %w", path, err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

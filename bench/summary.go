package bench

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
)

// WriteSummary gathers the results of every method run on dataset d under
// outDir (each OUTDIR/DATASET/METHOD/results.json) and writes
// OUTDIR/DATASET/results.csv, results.json and summary.md, the Markdown
// tables that put the measured means next to the published rows.
func WriteSummary(outDir string, d *Dataset) error {
	dir := filepath.Join(outDir, d.Name)
	byMethod, err := loadMethods(dir)
	if err != nil {
		return err
	}
	var all []CaseResult
	for _, m := range methodOrder(byMethod) {
		all = append(all, byMethod[m]...)
	}
	if err := writeResults(dir, all); err != nil {
		return err
	}
	summary := d.summary
	if summary == nil {
		summary = LevinSummary
	}
	md := summary(byMethod, len(d.Cases()))
	return writeFileAtomic(filepath.Join(dir, "summary.md"), []byte(md))
}

// loadMethods reads DIR/*/results.json.
func loadMethods(dir string) (map[string][]CaseResult, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	out := map[string][]CaseResult{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name(), "results.json")
		data, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		var rs []CaseResult
		if err := json.Unmarshal(data, &rs); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", p, err)
		}
		if len(rs) > 0 {
			out[e.Name()] = rs
		}
	}
	return out, nil
}

// methodOrder lists methods as the tables show them: blurry, known-kernel
// rows, then the rest, each group by name.
func methodOrder(m map[string][]CaseResult) []string {
	rank := func(name string) int {
		switch {
		case name == Blurry:
			return 0
		case strings.HasPrefix(name, KnownKernel+"+"):
			return 1
		}
		return 2
	}
	names := slices.Sorted(maps.Keys(m))
	sort.SliceStable(names, func(i, j int) bool { return rank(names[i]) < rank(names[j]) })
	return names
}

func f2(v float64) string { return fmtNum(v, 2) }
func f4(v float64) string { return fmtNum(v, 4) }

func fmtNum(v float64, prec int) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// Machine describes the computer the summary is written on.
func Machine() string {
	return fmt.Sprintf("%s/%s, %d logical CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}

// LevinSummary renders the Levin table: Table 3 of the SelfDeblur paper,
// then one row per measured method (means over the cases it has run;
// total is the dataset's case count).
func LevinSummary(byMethod map[string][]CaseResult, total int) string {
	var b strings.Builder
	b.WriteString("# Levin et al. benchmark (32 images, gray)\n\n")
	b.WriteString("| method | PSNR | SSIM | error ratio (SSD) | error ratio (2-norm) | time (s) | median time (s) | cases |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range PublishedLevin() {
		fmt.Fprintf(&b, "| %s (published) | %s | %s | - | %s | %s | - | 32 |\n", r.Method, f2(r.PSNR), f4(r.SSIM), f4(r.ErrorRatio), r.Time)
	}
	for _, m := range methodOrder(byMethod) {
		s := Summarize(byMethod[m])
		fmt.Fprintf(&b, "| **%s (ours)** | %s | %s | %s | %s | %s | %s | %d/%d |\n", m, f2(s.PSNR), f4(s.SSIM), f4(s.ErrorRatio), f4(s.ErrorRatio2), f2(s.MeanSeconds), f2(s.MedianSeconds), s.N, total)
	}
	b.WriteString(notes)
	fmt.Fprintf(&b, "\nWritten on %s.\n", Machine())
	return b.String()
}

// LaiSummary renders the Lai tables: PSNR/SSIM per category and on average,
// Table 4 of the SelfDeblur paper and then the measured methods; then the
// measured methods' error ratio and times.
func LaiSummary(byMethod map[string][]CaseResult) string {
	var b strings.Builder
	cats := LaiCategories()
	b.WriteString("# Lai et al. synthetic uniform-blur set (100 images, 1 % noise), PSNR/SSIM on luma\n\n")
	b.WriteString("| method | " + strings.Join(cats, " | ") + " | average | cases |\n")
	b.WriteString("|---" + strings.Repeat("|---", len(cats)+2) + "|\n")
	ps := func(v PSNRSSIM) string { return f2(v.PSNR) + "/" + f4(v.SSIM) }
	for _, r := range PublishedLai() {
		fmt.Fprintf(&b, "| %s (published) |", r.Method)
		for _, v := range r.ByCategory {
			fmt.Fprintf(&b, " %s |", ps(v))
		}
		fmt.Fprintf(&b, " %s | 100 |\n", ps(r.Average))
	}
	for _, m := range methodOrder(byMethod) {
		rs := byMethod[m]
		fmt.Fprintf(&b, "| **%s (ours)** |", m)
		for _, cat := range cats {
			var in []CaseResult
			for _, r := range rs {
				if r.Category == cat {
					in = append(in, r)
				}
			}
			s := Summarize(in)
			fmt.Fprintf(&b, " %s |", ps(PSNRSSIM{s.PSNR, s.SSIM}))
		}
		s := Summarize(rs)
		fmt.Fprintf(&b, " %s | %d/100 |\n", ps(PSNRSSIM{s.PSNR, s.SSIM}), s.N)
	}
	if len(byMethod) > 0 {
		b.WriteString("\nMeasured methods, means over the cases run:\n\n")
		b.WriteString("| method | PSNR | SSIM | error ratio (SSD) | error ratio (2-norm) | time (s) | median time (s) | cases |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|\n")
		for _, m := range methodOrder(byMethod) {
			s := Summarize(byMethod[m])
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %d |\n", m, f2(s.PSNR), f4(s.SSIM), f4(s.ErrorRatio), f4(s.ErrorRatio2), f2(s.MeanSeconds), f2(s.MedianSeconds), s.N)
		}
	}
	b.WriteString(notes)
	fmt.Fprintf(&b, "\nWritten on %s.\n", Machine())
	return b.String()
}

// notes explains the measured rows under every summary table.
var notes = `
Published rows: the SelfDeblur paper (Ren et al., CVPR 2020). Rows marked
(ours) are measured by "deblur bench" with the benchmarks' protocol
(docs/results.md): a 15-px border cropped, the estimate aligned
by the best shift in -10..10 px (0.25 px steps, bilinear), PSNR (peak 255) and
SSIM (Wang et al. 2004) on that region, luma (BT.601 Y) for colour. Error
ratio (SSD): Levin et al.'s ratio, SSD(non-blind with the row's kernel) /
SSD(same non-blind with the true kernel); a known-kernel row is 1 by
definition, the blurry row has none. Error ratio (2-norm): the same two
images' ratio of matrix 2-norms (largest singular value) of the aligned
errors, as the SelfDeblur authors' statistic_levin.m computes it; the
published error ratios are of this kind, and it is near the square root of
the SSD ratio (published rows have only this one). Times are wall seconds
of the method on one image (blind estimate plus non-blind step), without
loading and scoring; published times are kernel estimation only.
`

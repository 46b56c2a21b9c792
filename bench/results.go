package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/deblur/deblur/internal/atomicfile"
)

// CaseResult is the score of one method on one case. Metrics follow
// the benchmarks' protocol: shift-aligned, 15-px border, on luma for colour.
type CaseResult struct {
	Case     string `json:"case"`
	Category string `json:"category,omitempty"`
	Method   string `json:"method"`
	// PSNR in dB (peak 255), capped at 100 dB for identical images.
	PSNR float64 `json:"psnr"`
	SSIM float64 `json:"ssim"`
	// ErrorRatio is Levin et al.'s SSD ratio (see Runner); nil where it is
	// not defined (the blurry row, or a blind row without a ratio method).
	ErrorRatio *float64 `json:"error_ratio"`
	// ErrorRatio2 is the same ratio with the matrix 2-norm of each aligned
	// error in place of its SSD (metrics.ErrorRatioNorm2): the definition
	// of the SelfDeblur scripts, comparable with the published error ratios.
	// Set with ErrorRatio for datasets scored with the standard protocol.
	ErrorRatio2 *float64 `json:"error_ratio_2norm,omitempty"`
	// KernelNCC and KernelSSD compare the kernel used with the true one
	// (metrics.KernelError); nil for the blurry row.
	KernelNCC *float64 `json:"kernel_ncc"`
	KernelSSD *float64 `json:"kernel_ssd"`
	// ShiftX, ShiftY is the alignment shift of the output (metrics.Align).
	ShiftX float64 `json:"shift_x"`
	ShiftY float64 `json:"shift_y"`
	// Seconds is the wall time of the method (blind estimate and non-blind
	// step), without loading and scoring.
	Seconds float64 `json:"seconds"`
	// KernelSize is the size given to the blind method (0 otherwise).
	KernelSize int `json:"kernel_size,omitempty"`
	// Image and Kernel are the output files, relative to the method's
	// folder; Kernel is empty for the blurry row.
	Image  string `json:"image"`
	Kernel string `json:"kernel,omitempty"`
	// Config describes the method's settings when they can be changed
	// (Methods.Config); a rerun with other settings refuses to mix them.
	Config string `json:"config,omitempty"`
	// TruthPSNR is set for reference rows that are scored against a ground
	// truth of their own (ReferenceFunc): the PSNR of that truth against
	// the case's sharp image, with the dataset's protocol.
	TruthPSNR *float64 `json:"truth_psnr,omitempty"`
	// FitAgreement and MainPiece are the pipeline's evidence for its
	// kernel (deblur.Confidence), for the rows that run it.
	FitAgreement *float64 `json:"fit_agreement,omitempty"`
	MainPiece    *float64 `json:"main_piece,omitempty"`
}

// Stats summarises the results of one method on a dataset (or a category).
type Stats struct {
	Method        string
	N             int     // cases
	PSNR, SSIM    float64 // means
	ErrorRatio    float64 // mean over the cases that have one; NaN if none
	NRatio        int     // cases with an error ratio
	ErrorRatio2   float64 // mean 2-norm error ratio over the cases that have one; NaN if none
	NRatio2       int     // cases with a 2-norm error ratio
	KernelNCC     float64 // mean over the cases that have a kernel; NaN if none
	NKernel       int     // cases with a kernel NCC
	MeanSeconds   float64
	MedianSeconds float64
}

// Summarize returns the Stats of rs (all of one method).
func Summarize(rs []CaseResult) Stats {
	s := Stats{N: len(rs), ErrorRatio: math.NaN(), ErrorRatio2: math.NaN(), KernelNCC: math.NaN()}
	if len(rs) == 0 {
		s.PSNR, s.SSIM, s.MeanSeconds, s.MedianSeconds = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return s
	}
	s.Method = rs[0].Method
	secs := make([]float64, len(rs))
	er, er2, ncc := 0.0, 0.0, 0.0
	for i, r := range rs {
		s.PSNR += r.PSNR
		s.SSIM += r.SSIM
		s.MeanSeconds += r.Seconds
		secs[i] = r.Seconds
		if r.ErrorRatio != nil {
			er += *r.ErrorRatio
			s.NRatio++
		}
		if r.ErrorRatio2 != nil {
			er2 += *r.ErrorRatio2
			s.NRatio2++
		}
		if r.KernelNCC != nil {
			ncc += *r.KernelNCC
			s.NKernel++
		}
	}
	n := float64(len(rs))
	s.PSNR /= n
	s.SSIM /= n
	s.MeanSeconds /= n
	if s.NRatio > 0 {
		s.ErrorRatio = er / float64(s.NRatio)
	}
	if s.NRatio2 > 0 {
		s.ErrorRatio2 = er2 / float64(s.NRatio2)
	}
	if s.NKernel > 0 {
		s.KernelNCC = ncc / float64(s.NKernel)
	}
	sort.Float64s(secs)
	if m := len(secs); m%2 == 1 {
		s.MedianSeconds = secs[m/2]
	} else {
		s.MedianSeconds = (secs[m/2-1] + secs[m/2]) / 2
	}
	return s
}

// csvHeader is the first row of results.csv.
var csvHeader = []string{"case", "category", "method", "psnr", "ssim", "error_ratio", "kernel_ncc", "kernel_ssd", "shift_x", "shift_y", "seconds", "kernel_size", "image", "kernel", "config", "truth_psnr", "error_ratio_2norm", "fit_agreement", "main_piece"}

// writeResults writes rs as results.csv and results.json in dir.
func writeResults(dir string, rs []CaseResult) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(csvHeader)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	opt := func(v *float64) string {
		if v == nil {
			return ""
		}
		return num(*v)
	}
	for _, r := range rs {
		w.Write([]string{r.Case, r.Category, r.Method, num(r.PSNR), num(r.SSIM), opt(r.ErrorRatio),
			opt(r.KernelNCC), opt(r.KernelSSD), num(r.ShiftX), num(r.ShiftY), num(r.Seconds),
			strconv.Itoa(r.KernelSize), r.Image, r.Kernel, r.Config, opt(r.TruthPSNR), opt(r.ErrorRatio2), opt(r.FitAgreement), opt(r.MainPiece)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("bench: results.csv: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "results.csv"), buf.Bytes()); err != nil {
		return err
	}
	if rs == nil {
		rs = []CaseResult{}
	}
	return writeJSON(filepath.Join(dir, "results.json"), rs)
}

// readCaseResult reads a per-case result file.
func readCaseResult(path string) (CaseResult, error) {
	var r CaseResult
	data, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("bench: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("bench: %s: %w", path, err)
	}
	return r, nil
}

// writeJSON writes v as indented JSON to path atomically.
func writeJSON(path string, v any) error {
	if err := atomicfile.WriteJSON(path, v); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path atomically (internal/atomicfile).
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/plane"
)

// runReport is the JSON written next to the deblurred image.
type runReport struct {
	Version     string            `json:"version"`
	Backend     string            `json:"gemm_backend"`
	Method      string            `json:"method"`
	Input       string            `json:"input"`
	Outputs     map[string]string `json:"outputs"`
	Settings    any               `json:"settings"` // as the estimate ran: deblur.Result.Settings
	Iterations  int               `json:"iterations"`
	Completed   bool              `json:"completed"`
	Error       string            `json:"error,omitempty"`
	FinalLoss   *float64          `json:"final_loss"`
	WallSeconds float64           `json:"wall_seconds"`
	LossCurve   []float64         `json:"loss_curve"`
	Kernel      kernelReport      `json:"kernel"`
	Colour      string            `json:"colour"`
	Finish      string            `json:"nonblind_finish,omitempty"`
	// KernelSizeAuto is set when the tool chose the kernel size (the
	// kernel was then trimmed to its support).
	KernelSizeAuto bool `json:"kernel_size_auto,omitempty"`
	// Window is the region the kernel was estimated on: x, y, width, height.
	Window *[4]int `json:"estimation_window,omitempty"`
	// EstimateScale is the factor the image was shrunk by for the
	// estimation (1: full size).
	EstimateScale int `json:"estimation_scale,omitempty"`
	// ChosenSeed, RestartLosses and RestartSharpness describe restarts
	// (settings.Restarts above 1): the seed of the fit kept, every fit's
	// final objective and the normalised gradient sparsity of its image
	// (lower is sharper); -1 marks a fit that failed. RestartPick is the
	// rule that decided ("sharpest" or "objective"; settings.Pick "auto"
	// resolves to one of them).
	ChosenSeed       *uint64   `json:"chosen_seed,omitempty"`
	RestartLosses    []float64 `json:"restart_final_losses,omitempty"`
	RestartSharpness []float64 `json:"restart_sharpness,omitempty"`
	RestartPick      string    `json:"restart_pick,omitempty"`
	// PolishLoss is the objective of the kept kernel after its polish
	// against the frozen image (settings.PolishIterations above 0).
	PolishLoss *float64 `json:"polish_loss,omitempty"`
	Created    string   `json:"created"`
}

// kernelReport is a kernel in the run report: its frame (Width x Height
// pixels; a centred or trimmed estimate need not be square nor keep the
// -kernel-size frame) and its values.
type kernelReport struct {
	Width       int         `json:"width"`
	Height      int         `json:"height"`
	Orientation string      `json:"orientation"`
	Values      [][]float64 `json:"values"`
}

// newRunReport describes a run of method with settings s.
func newRunReport(in string, o outputSet, method string, s any, res *deblur.Result, runErr error) *runReport {
	r := &runReport{
		Version: version, Backend: backendName(), Method: method, Input: in,
		Outputs:     map[string]string{"image": o.image, "kernel": o.kernel, "report": o.report},
		Settings:    s,
		Iterations:  res.Iterations,
		Completed:   runErr == nil,
		WallSeconds: res.Elapsed.Seconds(),
		LossCurve:   finite(res.Losses),
		Created:     time.Now().UTC().Format(time.RFC3339),
		Colour:      "gray",
	}
	if len(res.RestartLosses) > 0 {
		seed := res.Seed
		r.ChosenSeed, r.RestartLosses, r.RestartSharpness = &seed, finite(res.RestartLosses), finite(res.RestartSharpness)
		r.RestartPick = res.Picked.String()
	}
	if res.PolishLoss > 0 {
		v := res.PolishLoss
		r.PolishLoss = &v
	}
	if !res.Image.IsGray() {
		r.Colour = "luma (BT.601 Y deblurred, blurry Cb/Cr kept)"
	}
	if runErr != nil {
		r.Error = runErr.Error()
	}
	if n := len(res.Losses); n > 0 && !math.IsNaN(res.Losses[n-1]) {
		v := res.Losses[n-1]
		r.FinalLoss = &v
	}
	r.Kernel = newKernelReport(res.Kernel)
	return r
}

// newKernelReport is the report's copy of kernel k.
func newKernelReport(k *plane.Plane) kernelReport {
	r := kernelReport{Width: k.W, Height: k.H, Orientation: "convolution: blurry = kernel convolved with sharp; values[row][column], row 0 at the top"}
	for y := 0; y < k.H; y++ {
		r.Values = append(r.Values, append([]float64(nil), k.Pix[y*k.W:(y+1)*k.W]...))
	}
	return r
}

func finite(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			x = -1
		}
		out[i] = x
	}
	return out
}

// writeJSON writes v as indented JSON atomically (internal/atomicfile).
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

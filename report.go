package deblur

import (
	"math"
	"time"

	"github.com/deblur/deblur/internal/blas"
	"github.com/deblur/deblur/internal/dnnl"
	"github.com/deblur/deblur/internal/vec"
	"github.com/deblur/deblur/plane"
)

// Version is the release of this library.
const Version = "0.1.0-dev"

// Backend describes the matrix-product backend (OpenBLAS through cgo, or
// gonum in a pure-Go build), the convolutions' (oneDNN in a build with the
// dnnl tag) and the build of the element-wise loops.
func Backend() string {
	return blas.Backend() + "; convolutions: " + dnnl.Convolutions() + "; element-wise loops: " + vec.Backend()
}

// Report is the JSON report of a run, as the command writes it next to the
// image. Non-finite numbers are written as -1.
type Report struct {
	Version string `json:"version"`
	Backend string `json:"gemm_backend"`
	Method  string `json:"method"`
	// Input and Outputs name the files; front ends fill them in.
	Input   string            `json:"input,omitempty"`
	Outputs map[string]string `json:"outputs,omitempty"`
	// InputSHA256 and SettingsHash, filled in by batch runs, identify
	// the input's bytes and the settings that made the outputs, so a
	// rerun can tell finished work from stale.
	InputSHA256  string `json:"input_sha256,omitempty"`
	SettingsHash string `json:"settings_hash,omitempty"`
	// Settings are the method's settings as run; Plan is every choice
	// of the pipeline.
	Settings any   `json:"settings"`
	Plan     *Plan `json:"plan"`
	// Iterations is the number done; Completed is false when the run was
	// interrupted or failed (Error says why) and the outputs hold the
	// result so far.
	Iterations  int       `json:"iterations"`
	Completed   bool      `json:"completed"`
	Error       string    `json:"error,omitempty"`
	FinalLoss   *float64  `json:"final_loss"`
	WallSeconds float64   `json:"wall_seconds"`
	LossCurve   []float64 `json:"loss_curve"`
	Kernel      Kernel    `json:"kernel"`
	// Color says how the channels were treated.
	Color string `json:"color"`
	// ChosenSeed, RestartLosses and RestartSharpness describe several
	// fits: the seed of the fit kept, every fit's final objective and
	// the normalised gradient sparsity of its image (lower is sharper;
	// -1 marks a fit that failed). RestartPick is the rule that decided.
	ChosenSeed       *uint64   `json:"chosen_seed,omitempty"`
	RestartLosses    []float64 `json:"restart_final_losses,omitempty"`
	RestartSharpness []float64 `json:"restart_sharpness,omitempty"`
	RestartPick      string    `json:"restart_pick,omitempty"`
	// PolishLoss is the objective of the kept kernel after its polish.
	PolishLoss *float64 `json:"polish_loss,omitempty"`
	// Confidence is the evidence that the kernel is right.
	Confidence Confidence `json:"confidence"`
	Created    string     `json:"created"`
}

// Kernel is a kernel in the report: its frame (a centred or trimmed
// estimate need not be square) and its values, row 0 at the top.
type Kernel struct {
	Width       int         `json:"width"`
	Height      int         `json:"height"`
	Orientation string      `json:"orientation"`
	Values      [][]float64 `json:"values"`
}

// newReport describes res, which ended with runErr.
func newReport(res *Result, runErr error) *Report {
	est, p := res.Estimate, res.Plan
	r := &Report{
		Version: Version, Backend: Backend(), Method: p.Method,
		Settings:    est.Settings,
		Plan:        p,
		Iterations:  est.Iterations,
		Completed:   runErr == nil,
		WallSeconds: res.Elapsed.Seconds(),
		LossCurve:   finite(est.Losses),
		Kernel:      NewKernel(res.Kernel),
		Created:     time.Now().UTC().Format(time.RFC3339),
		Color:       "gray",
	}
	if est.Circular {
		r.Kernel.Orientation += "; circular model: blurry = kernel circularly convolved with sharp, kernel centre at the origin"
	}
	if len(est.Fits) > 1 {
		kept := est.Fits[est.Kept]
		r.ChosenSeed = &kept.Seed
		for _, f := range est.Fits {
			r.RestartLosses = append(r.RestartLosses, finiteOr(f.Loss))
			r.RestartSharpness = append(r.RestartSharpness, finiteOr(f.Sharpness))
		}
		r.RestartPick = est.Rule
	}
	if len(est.Fits) > 0 && est.Fits[est.Kept].PolishLoss > 0 {
		v := est.Fits[est.Kept].PolishLoss
		r.PolishLoss = &v
	}
	if !est.Circular {
		r.Confidence = newConfidence(res.Kernel, est)
	}
	if len(res.planes.Channels) == 3 {
		r.Color = "luma (BT.601 Y deblurred, blurry Cb/Cr kept)"
		if runErr == nil && p.Finish != "" {
			r.Color = "kernel estimated on BT.601 luma; every RGB channel deconvolved with it (" + p.Finish + ")"
		}
	}
	if runErr != nil {
		r.Error = runErr.Error()
	}
	if v := est.FinalLoss(); !math.IsNaN(v) && !math.IsInf(v, 0) {
		r.FinalLoss = &v
	}
	return r
}

// NewKernel is the report's copy of the convolution kernel k.
func NewKernel(k *plane.Plane) Kernel {
	r := Kernel{Width: k.W, Height: k.H, Orientation: "convolution: blurry = kernel convolved with sharp; values[row][column], row 0 at the top"}
	for y := 0; y < k.H; y++ {
		r.Values = append(r.Values, append([]float64(nil), k.Pix[y*k.W:(y+1)*k.W]...))
	}
	return r
}

func finite(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = finiteOr(x)
	}
	return out
}

// finiteOr returns x, or -1 when x is NaN or infinite (JSON has neither).
func finiteOr(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return -1
	}
	return x
}

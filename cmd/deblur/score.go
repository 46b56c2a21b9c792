package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"

	"github.com/deblur/deblur/bench"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/metrics"
)

// scoreOutput is the JSON object "deblur score" prints.
type scoreOutput struct {
	PSNR   *float64 `json:"psnr"` // null when the images match exactly (infinite PSNR)
	SSIM   float64  `json:"ssim"`
	Shift  xyFloat  `json:"shift"`
	MSE    float64  `json:"mse"` // on the [0, 1] scale
	SSD    float64  `json:"ssd"` // on the [0, 1] scale
	Scored string   `json:"scored"`
	Width  int      `json:"width"`
	Height int      `json:"height"`

	KernelSSD   *float64 `json:"kernel_ssd,omitempty"`
	KernelNCC   *float64 `json:"kernel_ncc,omitempty"`
	KernelShift *xyInt   `json:"kernel_shift,omitempty"`
}

type xyFloat struct {
	DX float64 `json:"dx"`
	DY float64 `json:"dy"`
}

type xyInt struct {
	DX int `json:"dx"`
	DY int `json:"dy"`
}

func runScore(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	estK := fs.String("kernel", "", "estimated kernel `FILE`: the run report (.json, exact values) or the kernel PNG (the run command's enlarged PNG is shrunk back); needs -true-kernel")
	trueK := fs.String("true-kernel", "", "ground-truth kernel `PNG` (needs -kernel)")
	circular := fs.Bool("circular", false, "score as the synthesised benchmarks (mnist, shoes) do: the best integer circular shift within 2 px, the whole image, no border (for images too small for the 15-px border, or made with the circular blur model)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: deblur score [-circular] [-kernel EST_K.png -true-kernel K.png] EST.png SHARP.png")
		fmt.Fprintln(fs.Output(), "\nScores EST against SHARP with the benchmarks' shift-aligned protocol (docs/results.md)")
		fmt.Fprintln(fs.Output(), "(15-px border, shifts -10..10 px in 0.25 px steps) and prints one JSON object:")
		fmt.Fprintln(fs.Output(), "psnr (dB, peak 255; null if the images match exactly), ssim, shift {dx, dy} of")
		fmt.Fprintln(fs.Output(), "EST's content relative to SHARP's, mse and ssd on the [0,1] scale, scored")
		fmt.Fprintln(fs.Output(), "(\"gray\", or \"luma\" = BT.601 Y when either image is colour), width and height")
		fmt.Fprintln(fs.Output(), "of the compared region; with the kernel flags also kernel_ssd, kernel_ncc and")
		fmt.Fprintln(fs.Output(), "kernel_shift (best integer shift, both kernels normalised to sum 1).")
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	pos, help, err := parseCommand(fs, args, 2, "2 images (EST.png SHARP.png)")
	if help || err != nil {
		return err
	}
	if (*estK == "") != (*trueK == "") {
		return usagef("score: -kernel and -true-kernel go together")
	}

	est, err := imageio.Read(pos[0])
	if err != nil {
		return err
	}
	sharp, err := imageio.Read(pos[1])
	if err != nil {
		return err
	}
	if est.W() != sharp.W() || est.H() != sharp.H() {
		return fmt.Errorf("score: %s is %dx%d but %s is %dx%d", pos[0], est.W(), est.H(), pos[1], sharp.W(), sharp.H())
	}
	var res metrics.Result
	if *circular {
		res, err = scoreCircular(est, sharp)
	} else {
		res, err = metrics.ScoreImage(est, sharp, metrics.Standard())
	}
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	out := scoreOutput{
		SSIM: res.SSIM, Shift: xyFloat{res.DX, res.DY}, MSE: res.MSE, SSD: res.SSD,
		Scored: "luma", Width: res.W, Height: res.H,
	}
	if !math.IsInf(res.PSNR, 1) {
		out.PSNR = &res.PSNR
	}
	if est.IsGray() && sharp.IsGray() {
		out.Scored = "gray"
	}
	if *estK != "" {
		if err := out.scoreKernel(*estK, *trueK); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(env.stdout)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("score: writing result: %w", err)
	}
	return nil
}

// scoreKernel adds the accuracy of the estimated kernel in estPath against
// the true kernel in truePath.
func (out *scoreOutput) scoreKernel(estPath, truePath string) error {
	ek, err := readKernelFile(estPath)
	if err != nil {
		return err
	}
	tk, err := imageio.ReadKernel(truePath)
	if err != nil {
		return err
	}
	kr, err := metrics.KernelError(ek, tk)
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	out.KernelSSD, out.KernelNCC = &kr.SSD, &kr.NCC
	out.KernelShift = &xyInt{kr.DX, kr.DY}
	return nil
}

// scoreCircular scores est against sharp (metrics.ScoringPlanes: gray, or
// BT.601 luma when either is colour) with the synthesised benchmarks'
// protocol, metrics.ScoreCircular with bench.MNISTMaxShift.
func scoreCircular(est, sharp *imageio.Image) (metrics.Result, error) {
	e, g, err := metrics.ScoringPlanes(est, sharp)
	if err != nil {
		return metrics.Result{}, err
	}
	return metrics.ScoreCircular(e, g, bench.MNISTMaxShift)
}

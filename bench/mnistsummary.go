package bench

import (
	"fmt"
	"math"
	"strings"

	"github.com/deblur/deblur/mnist"
)

// SVHNRow is a row of the SVHN column of Table 1 of Asim et al. (80 test
// images, 1 % noise).
type SVHNRow struct {
	Method     string
	PSNR, SSIM float64 // NaN where not given
}

// PublishedSVHN returns the SVHN column of Table 1 of the deep generative
// priors paper in its order.
func PublishedSVHN() []SVHNRow {
	return []SVHNRow{
		{"extreme channel prior", 20.35, 0.55},
		{"learned data fitting", 20.64, 0.60},
		{"outlier handling", 20.82, 0.58},
		{"dark channel prior", 20.91, 0.58},
		{"DeblurGAN", 15.79, 0.54},
		{"CNN (end-to-end)", 21.24, 0.63},
		{"Deep Deblur (Alg. 1)", 24.47, 0.80},
		{"Deep Deblur with Slack (Alg. 2)", math.NaN(), math.NaN()},
		{"deblurring an image already in the generator's range", 30.13, 0.89},
	}
}

// Method names of the deep-generative-priors rows (see DeepDeblur,
// DeepDeblurSlack, RangeReference).
const (
	DeepDeblurName      = "deep-deblur"
	DeepDeblurSlackName = "deep-deblur-slack"
	RangeName           = "range"
)

// mnistLabel describes a method row of the MNIST summary.
func mnistLabel(m string) string {
	switch {
	case m == Blurry:
		return "blurry input"
	case m == DeepDeblurName:
		return "Deep Deblur (Alg. 1)"
	case m == DeepDeblurSlackName:
		return "Deep Deblur with Slack (Alg. 2)"
	case m == RangeName:
		return "image in the generator's range, then Alg. 1"
	case strings.HasPrefix(m, KnownKernel+"+"):
		return "true kernel + " + strings.TrimPrefix(m, KnownKernel+"+") + " (non-blind)"
	case strings.HasPrefix(m, "selfdeblur"):
		return "SelfDeblur"
	}
	return m
}

// mnistSummary returns the summary renderer of the MNIST benchmark made
// with o.
func mnistSummary(o MNISTOptions) func(map[string][]CaseResult, int) string {
	return func(byMethod map[string][]CaseResult, total int) string {
		var b strings.Builder
		length := "lengths uniform in 5..28 px (the training distribution)"
		if o.Length > 0 {
			length = fmt.Sprintf("every blur length %g px", o.Length)
		}
		fmt.Fprintf(&b, "# Blind deblurring of held-out MNIST digits (%d digits, 28x28 gray, %g %% noise)\n\n", total, 100*o.Noise)
		b.WriteString("| method | PSNR | SSIM | kernel NCC | time (s) | cases | settings |\n")
		b.WriteString("|---|---|---|---|---|---|---|\n")
		var truth []float64
		for _, m := range methodOrder(byMethod) {
			s := Summarize(byMethod[m])
			fmt.Fprintf(&b, "| **%s** (`%s`) | %s | %s | %s | %s | %d/%d | %s |\n", mnistLabel(m), m, f2(s.PSNR), f4(s.SSIM),
				fmtNum(s.KernelNCC, 3), f2(s.MeanSeconds), s.N, total, byMethod[m][0].Config)
			if m == RangeName {
				for _, r := range byMethod[m] {
					if r.TruthPSNR != nil {
						truth = append(truth, *r.TruthPSNR)
					}
				}
			}
		}
		b.WriteString("\nFor comparison only, **a different dataset**: the SVHN column of Table 1 of Asim et al.\n")
		b.WriteString("(32x32 colour house numbers, 80 test images, 1 % noise, their own generators):\n\n")
		b.WriteString("| method (published, SVHN) | PSNR | SSIM |\n|---|---|---|\n")
		for _, r := range PublishedSVHN() {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", r.Method, f2(r.PSNR), f2(r.SSIM))
		}
		fmt.Fprintf(&b, `
Data: the first %d of the last %d MNIST digits (held out from the digit
generator's training), each blurred by circular convolution with its own
28x28 camera-shake kernel (trajectory model of Boracchi & Foi, %s; seed %d,
random stream "mnist", not the kernel generator's training stream), plus
Gaussian noise of standard deviation %g, clipped to [0, 1]. SelfDeblur rows
get a %dx%d kernel. Scoring: each output is aligned to the sharp digit by
the best integer circular shift within +-%d px (the circular model fixes a
blind estimate only up to such a shift; the 15-px border of the
benchmarks' protocol does not fit 28x28 images), then PSNR (peak 1) and SSIM
(Wang et al., 11x11 Gaussian window, 'valid') on the whole image. Kernel
NCC: metrics.KernelError against the true kernel (best integer shift).
Times: wall seconds per digit.
`, total, mnist.HeldOutSize, length, o.Seed, o.Noise, o.KernelSize, o.KernelSize, MNISTMaxShift)
		if len(truth) > 0 {
			mean := 0.0
			for _, v := range truth {
				mean += v
			}
			fmt.Fprintf(&b, `
The range row scores against the digit's projection onto the generator's
range (its own ground truth, blurred with the case's kernel and noise); the
projections are on average %.2f dB (PSNR) from the digits themselves.
`, mean/float64(len(truth)))
		}
		fmt.Fprintf(&b, "\nWritten on %s.\n", Machine())
		return b.String()
	}
}

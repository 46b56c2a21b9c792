package bench

import (
	"fmt"
	"math"
	"strings"

	"github.com/deblur/deblur/mnist"
)

// Table1Row is a row of one column of Table 1 of Asim et al. (80 test
// images, 1 % noise).
type Table1Row struct {
	Method     string
	PSNR, SSIM float64 // NaN where not given
}

// PublishedSVHN returns the SVHN column of Table 1 of the deep generative
// priors paper in its order.
func PublishedSVHN() []Table1Row {
	return []Table1Row{
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

// PublishedShoes returns the Shoes column (UT-Zappos, 64x64 colour) of
// Table 1 of the deep generative priors paper in its order.
func PublishedShoes() []Table1Row {
	return []Table1Row{
		{"extreme channel prior", 18.33, 0.73},
		{"learned data fitting", 17.79, 0.73},
		{"outlier handling", 19.04, 0.76},
		{"dark channel prior", 18.45, 0.74},
		{"DeblurGAN", 21.84, 0.85},
		{"CNN (end-to-end)", 24.76, 0.89},
		{"Deep Deblur (Alg. 1)", 21.20, 0.83},
		{"Deep Deblur with Slack (Alg. 2)", 26.98, 0.93},
		{"deblurring an image already in the generator's range", 23.93, 0.87},
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
	case m == L0Name:
		return "L0 gradient prior (classical)"
	}
	return m
}

// syntheticText is what the summaries of the synthesised benchmarks
// (MNIST, Shoes) do not share.
type syntheticText struct {
	title     string      // heading, after "# "
	published []Table1Row // the paper's column for comparison
	pubIntro  string      // the line introducing it
	data      string      // the paragraph describing the data, before the shared protocol
	item      string      // "digit", "shoe"
}

// mnistSummary returns the summary renderer of the MNIST benchmark made
// with o.
func mnistSummary(o MNISTOptions) func(map[string][]CaseResult, int) string {
	return func(byMethod map[string][]CaseResult, total int) string {
		return syntheticSummary(o, byMethod, total, syntheticText{
			title:     fmt.Sprintf("Blind deblurring of held-out MNIST digits (%d digits, 28x28 gray, %g %% noise)", total, 100*o.Noise),
			published: PublishedSVHN(),
			pubIntro:  "the SVHN column of Table 1 of Asim et al.\n(32x32 colour house numbers, 80 test images, 1 % noise, their own generators)",
			data: fmt.Sprintf("Data: the first %d of the last %d MNIST digits (held out from the digit\n"+
				"generator's training)", total, mnist.HeldOutSize),
			item: "digit",
		})
	}
}

// shoesSummary returns the summary renderer of the Shoes benchmark made
// with o.
func shoesSummary(o MNISTOptions) func(map[string][]CaseResult, int) string {
	return func(byMethod map[string][]CaseResult, total int) string {
		return syntheticSummary(o, byMethod, total, syntheticText{
			title:     fmt.Sprintf("Blind deblurring of held-out Fashion-MNIST shoes (%d shoes, %dx%d gray, %g %% noise)", total, ShoeSize, ShoeSize, 100*o.Noise),
			published: PublishedShoes(),
			pubIntro:  "the Shoes column of Table 1 of Asim et al.\n(UT-Zappos, 64x64 colour, 80 test images, 1 % noise, their own generators)",
			data: fmt.Sprintf("Data: the first %d sandals, sneakers and ankle boots of Fashion-MNIST's test\n"+
				"split (the shoe generator trained on the training split), 28x28 centred on\n"+
				"black %dx%d", total, ShoeSize, ShoeSize),
			item: "shoe",
		})
	}
}

// syntheticSummary renders the summary of a synthesised benchmark.
func syntheticSummary(o MNISTOptions, byMethod map[string][]CaseResult, total int, t syntheticText) string {
	var b strings.Builder
	length := "lengths uniform in 5..28 px (the training distribution)"
	if o.Length > 0 {
		length = fmt.Sprintf("every blur length %g px", o.Length)
	}
	fmt.Fprintf(&b, "# %s\n\n", t.title)
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
	fmt.Fprintf(&b, "\nFor comparison only, **a different dataset**: %s:\n\n", t.pubIntro)
	b.WriteString("| method (published) | PSNR | SSIM |\n|---|---|---|\n")
	for _, r := range t.published {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.Method, f2(r.PSNR), f2(r.SSIM))
	}
	fmt.Fprintf(&b, `
%s, each blurred by circular convolution with its own
28x28 camera-shake kernel (trajectory model of Boracchi & Foi, %s; seed %d,
random stream "mnist", not the kernel generator's training stream), plus
Gaussian noise of standard deviation %g, clipped to [0, 1]. SelfDeblur rows
get a %dx%d kernel. Scoring: each output is aligned to the sharp %s by
the best integer circular shift within +-%d px (the circular model fixes a
blind estimate only up to such a shift; the 15-px border of the
benchmarks' protocol does not fit such small images), then PSNR (peak 1) and SSIM
(Wang et al., 11x11 Gaussian window, 'valid') on the whole image. Kernel
NCC: metrics.KernelError against the true kernel (best integer shift).
Times: wall seconds per %s.
`, t.data, length, o.Seed, o.Noise, o.KernelSize, o.KernelSize, t.item, MNISTMaxShift, t.item)
	if len(truth) > 0 {
		mean := 0.0
		for _, v := range truth {
			mean += v
		}
		fmt.Fprintf(&b, `
The range row scores against the %s's projection onto the generator's
range (its own ground truth, blurred with the case's kernel and noise); the
projections are on average %.2f dB (PSNR) from the %ss themselves.
`, t.item, mean/float64(len(truth)), t.item)
	}
	fmt.Fprintf(&b, "\nWritten on %s.\n", Machine())
	return b.String()
}

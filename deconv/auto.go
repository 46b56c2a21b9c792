package deconv

// Pixel counts up to which ForSize picks each method; see ForSize.
const (
	ExactMaxPixels = 10_000_000
	FastMaxPixels  = 16_000_000
	FillMaxPixels  = 48_000_000
)

// ForSize returns the name of the most accurate hyper-Laplacian method
// whose cost suits a w x h plane when the three channels of a colour photo
// have to be deconvolved in about a minute on two cores (about 70 CPU
// seconds):
//
//	w*h <= ExactMaxPixels  "hyperlaplacian"  valid model, exact solves
//	w*h <= FastMaxPixels   "hl-fast"         valid model, truncated solves
//	w*h <= FillMaxPixels   "hl-fill"         valid model, FFT fill steps
//	larger                 "hl-smooth"       smooth periodic extension
//
// The costs grow linearly with the pixel count and hardly with the kernel
// size. Measured on one 4000 x 3000 channel with a 75 px kernel (2-core AMD
// EPYC, go1.26, process CPU seconds, shared machine): 29.2, 16.8, 5.5 and
// 3.4 s, that is 7.3, 4.2, 1.4 and 0.85 CPU seconds per megapixel for three
// channels. PSNR on that case: 25.60, 25.44, 24.60 and 23.86 dB; on Levin's
// benchmark with the true kernels (255 x 255, where the borders weigh more)
// 35.41, 35.36, 34.59 and 34.10 dB (docs/results.md).
func ForSize(w, h int) string {
	switch n := w * h; {
	case n <= ExactMaxPixels:
		return "hyperlaplacian"
	case n <= FastMaxPixels:
		return "hl-fast"
	case n <= FillMaxPixels:
		return "hl-fill"
	}
	return "hl-smooth"
}

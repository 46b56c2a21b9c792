// Package blur implements the forward model of deblurring on planes: 2-D
// convolution and correlation in 'full', 'same' and 'valid' modes, computed
// directly for small kernels and with FFTs for large ones, circular (FFT)
// convolution, and an estimator of the standard deviation of additive
// Gaussian noise.
//
// Kernel orientation. Convolve computes the true convolution
//
//	out(x, y) = sum over (a, b) of k(a, b) * img(x - a, y - b),
//
// so a kernel with a single non-zero tap right of its centre shifts the image
// to the right. Correlate computes
//
//	out(x, y) = sum over (a, b) of k(a, b) * img(x + a, y + b)
//
// (the PyTorch conv2d and MATLAB filter2/imfilter convention). Correlating
// with k equals convolving with k.Rot180(). Blur kernels in this project are
// convolution kernels unless a function says otherwise: a blurry image is
// Convolve(sharp, k, mode).
//
// Modes follow MATLAB's conv2: Full is the whole (W+Kw-1) x (H+Kh-1) result;
// Same is the W x H part of Full starting at (Kw/2, Kh/2) (integer division);
// Valid is the (W-Kw+1) x (H-Kh+1) part computed without any sample outside
// the image, starting at (Kw-1, Kh-1) of Full.
package blur

import (
	"fmt"

	"github.com/deblur/deblur/plane"
)

// Mode selects which part of the full convolution a function returns.
type Mode int

const (
	// Full returns every output sample that any image sample contributes to.
	Full Mode = iota
	// Same returns an output the size of the image, centred as MATLAB's
	// conv2(..., 'same').
	Same
	// Valid returns only the samples computed without zero padding.
	Valid
)

// String returns "full", "same" or "valid".
func (m Mode) String() string {
	switch m {
	case Full:
		return "full"
	case Same:
		return "same"
	case Valid:
		return "valid"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode named "full", "same" or "valid".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "full":
		return Full, nil
	case "same":
		return Same, nil
	case "valid":
		return Valid, nil
	}
	return 0, fmt.Errorf("blur: unknown mode %q (want full, same or valid)", s)
}

// directMaxTaps is the kernel size (in taps) up to which Convolve and
// Correlate compute directly; larger kernels use FFTs (measured crossover on
// 255x255 images is near 15x15 taps).
const directMaxTaps = 15 * 15

// window returns the offset into the full result and the size of the output
// of mode m for a w x h image and a kw x kh kernel.
func window(w, h, kw, kh int, m Mode) (ox, oy, ow, oh int, err error) {
	if w < 1 || h < 1 {
		return 0, 0, 0, 0, fmt.Errorf("blur: empty image %dx%d", w, h)
	}
	if kw < 1 || kh < 1 {
		return 0, 0, 0, 0, fmt.Errorf("blur: empty kernel %dx%d", kw, kh)
	}
	switch m {
	case Full:
		return 0, 0, w + kw - 1, h + kh - 1, nil
	case Same:
		return kw / 2, kh / 2, w, h, nil
	case Valid:
		if kw > w || kh > h {
			return 0, 0, 0, 0, fmt.Errorf("blur: %dx%d kernel larger than %dx%d image, no valid output", kw, kh, w, h)
		}
		return kw - 1, kh - 1, w - kw + 1, h - kh + 1, nil
	}
	return 0, 0, 0, 0, fmt.Errorf("blur: unknown mode %d", int(m))
}

// OutputSize returns the size of the result of convolving a w x h image with
// a kw x kh kernel in mode m, or an error when there is none.
func OutputSize(w, h, kw, kh int, m Mode) (ow, oh int, err error) {
	_, _, ow, oh, err = window(w, h, kw, kh, m)
	return ow, oh, err
}

// Convolve returns the convolution of img with the kernel k in mode m,
// computed directly for kernels of up to 225 taps and with FFTs otherwise
// (the two agree to rounding error).
func Convolve(img, k *plane.Plane, m Mode) (*plane.Plane, error) {
	if k.W*k.H <= directMaxTaps {
		return ConvolveDirect(img, k, m)
	}
	return ConvolveFFT(img, k, m)
}

// Correlate returns the correlation of img with k in mode m, which is
// Convolve(img, k.Rot180(), m).
func Correlate(img, k *plane.Plane, m Mode) (*plane.Plane, error) {
	return Convolve(img, k.Rot180(), m)
}

// Package genprior deblurs with pretrained generative priors (Asim,
// Shamshad and Ahmed, "Blind Image Deconvolution using Deep Generative
// Priors", BMVC 2019 / IEEE TCI 2020; docs/methods.md of the
// project): two frozen generators, G_I mapping a latent z_i to an image of a
// class and G_K mapping a latent z_k to a blur kernel, and a search of their
// latent spaces for the pair that explains the blurry image y.
//
// Deblur is the paper's Algorithm 1 ("Deep Deblur"), DeblurSlack its
// Algorithm 2 ("Deep Deblur with Slack"), which adds a free image that may
// leave the generator's range. Both run R random restarts as one batch and
// keep the restart with the lowest measurement residual.
//
// Forward model. y = x ⊛ k per channel, the circular convolution of the
// image with the kernel zero-padded to the image size, kernel centre
// (Kw/2, Kh/2) at the origin (tensor.CircularConv2D, blur.CircularConvolve):
// the authors' product of spectra.
package genprior

import (
	"time"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// Generator is a frozen generative network.
//
// Forward maps a batch of latents z (N x LatentDim) to N x C x H x W
// outputs. An image generator's outputs are in [0, 1]; a kernel generator's
// are N x 1 x Kh x Kw, non-negative and not necessarily normalised. The
// solvers differentiate the outputs with respect to z only, so:
//   - the rows of z must be independent (no batch statistics: each
//     restart is its own problem);
//   - the weights should not require gradients (if they do, every backward
//     pass also computes and accumulates weight gradients, for nothing);
//   - Forward must record on tp when it is not nil and must work with a nil
//     tp (inference).
type Generator interface {
	Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor // z: N x LatentDim -> N x C x H x W
	LatentDim() int
}

// Result is the outcome of a run.
type Result struct {
	// Image is the deblurred image, one plane per channel of the image
	// generator, clipped to [0, 1]: G_I(z_i) of the chosen restart for
	// Algorithm 1, the free image i for Algorithm 2.
	Image *imageio.Image
	// Range is G_I(z_i) of the chosen restart, clipped to [0, 1] (for
	// Algorithm 1 a copy of Image).
	Range *imageio.Image
	// Kernel is the chosen restart's kernel as a convolution kernel,
	// normalised to sum 1 (all zero if the generator gave an all-zero
	// kernel): y ≈ blur.CircularConvolve(image channel, Kernel).
	Kernel *plane.Plane
	// KernelSum is the sum of the kernel generator's output for the chosen
	// restart before any normalisation.
	KernelSum float64
	// Residuals holds, per restart, the final measurement residual
	// ||y - x ⊛ k||^2 (sum over pixels and channels) of that restart's
	// image x and model kernel k (normalised when the settings say so);
	// for Algorithm 2 x is the free image clipped to [0, 1], as the
	// authors select.
	Residuals []float64
	// Best is the index of the chosen restart, the smallest residual.
	Best int
	// Losses is the objective (see the settings), summed over the
	// restarts, of each iteration done, as evaluated during it: for
	// Algorithm 1 at the image-latent update (the iteration's new z_k, its
	// old z_i), for Algorithm 2 before the Adam step.
	Losses     []float64
	Iterations int // iterations done (fewer than asked when stopped early)
	Elapsed    time.Duration
}

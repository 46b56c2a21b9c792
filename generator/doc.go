// Package generator holds the pretrained generative networks of the deep
// generative priors method (docs/methods.md): generators
// that map a low-dimensional latent vector z to a blur kernel or to an
// image of one class, trained once and then frozen while a solver searches
// their latent spaces.
//
//   - KernelVAE: the authors' variational autoencoder of 28x28 motion-blur
//     kernels (latent 50); its decoder is the kernel prior.
//   - DigitVAE: a small VAE of 28x28 MNIST digits, the offline stand-in for
//     the authors' SVHN VAE; its decoder is the image prior.
//   - DCGAN: the authors' 64x64 DCGAN generator (and a discriminator to
//     train it) for faces, shoes or any folder of images.
//
// Every prior satisfies Generator. Weights are stored in the format
// described at Save (format.go); training (TrainVAE, TrainGAN) reports
// progress through a progress.Recorder, honours context cancellation and
// writes resumable checkpoints. The weights shipped with deblur live in the
// subpackage pretrained (pretrained/README.md says how they were trained).
package generator

import (
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// Generator is a trained decoder or generator used as a prior.
type Generator interface {
	// Forward maps z (N x LatentDim) to N x C x H x W outputs: images with
	// values in [0, 1], or non-negative kernels that are not normalised
	// (the caller divides by the sum). It is deterministic (a VAE decodes
	// without sampling, batch norms use their running statistics), so each
	// sample's output depends on its own z only. Gradients flow to z when
	// z requires them; a loaded or pretrained generator's parameters
	// require none.
	Forward(tp *tensor.Tape, z *tensor.Tensor) *tensor.Tensor
	// LatentDim is the length of one latent vector.
	LatentDim() int
}

// Model is a network this package can save, load and train: KernelVAE,
// DigitVAE, DCGAN and Discriminator.
type Model interface {
	// Kind names the architecture in weight files: "kernel-vae",
	// "digit-vae", "dcgan" or "dcgan-discriminator".
	Kind() string
	// Params returns the trainable parameters under stable names.
	Params() []nn.Param
	// config returns the architecture's settings (JSON-encoded in files).
	config() any
	// buffers returns saved tensors that are not trained by gradient
	// (batch-norm running statistics), under stable names.
	buffers() []nn.Param
}

// SetTrainable makes every parameter of m require gradients (allocating
// them) or stop requiring them, e.g. to freeze a generator used as a prior.
func SetTrainable(m Model, on bool) {
	for _, p := range m.Params() {
		p.T.SetRequiresGrad(on)
	}
}

// savedTensors returns every tensor a file stores for m: parameters, then
// buffers.
func savedTensors(m Model) []nn.Param { return append(m.Params(), m.buffers()...) }

package deblur

import (
	"context"
	"errors"
	"fmt"

	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/imageio"
)

// ErrGeneratorSize is wrapped by the errors of DeepDeblur and
// DeepDeblurSlack for an image the shipped generators cannot explain: they
// make 28x28 gray digits (generator.DigitSize), blurred by 28x28 kernels.
var ErrGeneratorSize = errors.New("deblur: the deep generative prior needs a 28x28 gray image (the shipped digit generator's size)")

// DeepDeblur deblurs a 28x28 gray digit with Algorithm 1 of the deep
// generative priors method (genprior.Deblur; genprior.Alg1Defaults are the
// specification's settings) and the shipped generators, the digit VAE and
// the kernel VAE of package generator. The blur model is circular
// convolution, as the method's authors used. Other images give an error
// wrapping ErrGeneratorSize. When ctx is cancelled it returns the result
// reached so far together with ctx.Err().
func DeepDeblur(ctx context.Context, im *imageio.Image, s genprior.Alg1Settings) (*Result, error) {
	gi, gk, err := shippedGenerators(im)
	if err != nil {
		return nil, err
	}
	r, err := genprior.Deblur(ctx, im, gi, gk, s)
	return fromGenprior(r), err
}

// DeepDeblurSlack is DeepDeblur with Algorithm 2 (genprior.DeblurSlack): the
// image may leave the generator's range. Result.Image is the free image.
func DeepDeblurSlack(ctx context.Context, im *imageio.Image, s genprior.Alg2Settings) (*Result, error) {
	gi, gk, err := shippedGenerators(im)
	if err != nil {
		return nil, err
	}
	r, err := genprior.DeblurSlack(ctx, im, gi, gk, s)
	return fromGenprior(r), err
}

// shippedGenerators checks im against the shipped digit generator and
// loads both generators.
func shippedGenerators(im *imageio.Image) (gi, gk genprior.Generator, err error) {
	if im == nil || !im.IsGray() || im.W() != generator.DigitSize || im.H() != generator.DigitSize {
		what := "no image"
		if im != nil {
			what = fmt.Sprintf("a %dx%d image with %d channels", im.W(), im.H(), len(im.Channels))
		}
		return nil, nil, fmt.Errorf("%w; got %s", ErrGeneratorSize, what)
	}
	d, err := pretrained.DigitVAE()
	if err != nil {
		return nil, nil, err
	}
	k, err := pretrained.KernelVAE()
	if err != nil {
		return nil, nil, err
	}
	return d, k, nil
}

func fromGenprior(r *genprior.Result) *Result {
	if r == nil {
		return nil
	}
	return &Result{Image: r.Image, Kernel: r.Kernel, Losses: r.Losses, Iterations: r.Iterations, Elapsed: r.Elapsed}
}

// Package deblur recovers the blur kernel and the sharp image from one
// blurry photograph (blind deconvolution).
//
// One call does what the command does:
//
//	res, err := deblur.Deblur(ctx, img, nil)
//
// estimates the camera-shake kernel on the image's luma with SelfDeblur
// (Ren et al., CVPR 2020), then deconvolves every channel of the whole
// image with it. Options changes the method, the kernel size, the region
// and scale of the estimation and the non-blind finish; NewPlan says how
// Deblur chooses what Options leaves open, and Result.Plan records it.
//
// The methods live in their own packages behind small interfaces:
// blind.Estimator for kernel estimators (selfdeblur.Estimator,
// genprior.Estimator) and deconv.Deconvolver for non-blind deconvolution
// (deconv.IRLS, deconv.HyperLaplacian, ...). Algorithms never print: they
// send progress.Events to Options.Recorder.
package deblur

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/deblur/deblur/blind"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/kernel"
	"github.com/deblur/deblur/plane"
)

// Deblur deblurs img as opts says (nil: as the command does with no
// flags). The output has img's size and depth (16 bits per sample when
// img has them), gray for gray input and colour for colour. Invalid
// options give an error wrapping ErrOptions and an image the method cannot
// handle one wrapping ErrImageSize, both before any work. When ctx is
// cancelled during the estimation, Deblur returns the kernel so far with
// the method's own image (where it covers the whole input) or a copy of the
// input, together with ctx.Err(); a cancelled finish returns no result.
func Deblur(ctx context.Context, img image.Image, opts *Options) (*Result, error) {
	im := imageio.FromImage(img)
	return run(ctx, im, opts, img.Bounds().Min)
}

// DeblurPlanes is Deblur on an already decoded image, whose samples
// (nominally in [0, 1]) are used without quantisation; Result.Image has
// im.Depth (8 when unset).
func DeblurPlanes(ctx context.Context, im *imageio.Image, opts *Options) (*Result, error) {
	return run(ctx, im, opts, image.Point{})
}

func run(ctx context.Context, im *imageio.Image, opts *Options, origin image.Point) (*Result, error) {
	start := time.Now()
	if opts == nil {
		opts = &Options{}
	}
	im, neutral := grayOf(im)
	luma, err := lumaOf(im)
	if err != nil {
		return nil, err
	}
	p, err := newPlan(im, luma, opts, origin)
	if err != nil {
		return nil, err
	}
	res, runErr := p.execute(ctx, im, luma, opts)
	if res == nil {
		return nil, runErr
	}
	res.Elapsed = time.Since(start)
	if neutral {
		g := res.planes.Channels[0]
		res.planes = &imageio.Image{Channels: []*plane.Plane{g, g.Clone(), g.Clone()}, Depth: res.planes.Depth}
	}
	out, err := res.planes.ToImage(depthOf(im))
	if err != nil {
		return nil, fmt.Errorf("deblur: %w", err)
	}
	res.Image = out
	res.Report = newReport(res, runErr)
	return res, runErr
}

// execute runs the plan on im (luma: its gray plane).
func (p *Plan) execute(ctx context.Context, im *imageio.Image, luma *plane.Plane, o *Options) (*Result, error) {
	f := p.Scale
	y := luma
	if p.RegionRule != "whole" || f > 1 {
		r := p.Region
		y = luma.Shrink(f).Crop(r.Min.X/f, r.Min.Y/f, r.Dx()/f, r.Dy()/f)
	}
	est, runErr := p.method.Estimate(ctx, y, p.job(o))
	if est == nil {
		return nil, runErr
	}
	res := &Result{Plan: p, Estimate: est, Kernel: est.Kernel}
	if f > 1 {
		res.Kernel = kernel.Upscale(est.Kernel, p.Frames[est.Kept], f)
	}
	if p.Center && !est.Circular {
		// The finish deconvolves the image again, so the kernel may move:
		// centred, the output is not shifted against the input.
		res.Kernel = kernel.Center(res.Kernel)
	}
	if p.Trim && !est.Circular {
		res.Kernel = kernel.Trim(res.Kernel, trimFraction)
	}
	if runErr != nil || p.finish == nil {
		out, err := p.ownImage(im, est)
		if err != nil {
			return nil, errors.Join(runErr, err)
		}
		res.planes = out
		return res, runErr
	}
	fin, err := deconvolve(ctx, im, res.Kernel, p.finish)
	if err != nil {
		return nil, fmt.Errorf("deblur: non-blind finish: %w", err)
	}
	res.planes = fin
	return res, nil
}

// ownImage is the output made from the estimator's image: that image
// (clamped to [0, 1]) for gray input, its luma with the blurry chroma for
// colour (the SelfDeblur authors' scheme). Where the estimate covers only
// a region, or has no image, it is a copy of the input.
func (p *Plan) ownImage(im *imageio.Image, est *blind.Estimate) (*imageio.Image, error) {
	if est.Image == nil || p.RegionRule != "whole" || p.Scale > 1 || est.Image.W != im.W() || est.Image.H != im.H() {
		if p.finish == nil {
			return nil, optionErr("NoFinish", true, "%s has no image of its own for the whole input: use a non-blind finish", p.Method)
		}
		return im.Clone(), nil
	}
	if im.IsGray() {
		return imageio.NewGray(est.Image.Clone().Clamp(0, 1)), nil
	}
	_, cb, cr, err := imageio.RGBToYCbCr(im)
	if err != nil {
		return nil, fmt.Errorf("deblur: %w", err)
	}
	out, err := imageio.YCbCrToRGB(est.Image, cb, cr)
	if err != nil {
		return nil, fmt.Errorf("deblur: %w", err)
	}
	for _, c := range out.Channels {
		c.Clamp(0, 1)
	}
	return out, nil
}

// grayOf returns a colour image whose channels are all equal (a gray
// picture saved as colour) as gray, and true; any other image as it is.
// Such an image is deblurred as gray (its own values, not the BT.601
// luma's studio range, which the generative priors would not accept) and
// written back as colour.
func grayOf(im *imageio.Image) (*imageio.Image, bool) {
	if len(im.Channels) != 3 || !im.Neutral() {
		return im, false
	}
	return &imageio.Image{Channels: im.Channels[:1], Depth: im.Depth}, true
}

// lumaOf returns the gray channel or the BT.601 luma of a colour image.
func lumaOf(im *imageio.Image) (*plane.Plane, error) {
	if im.IsGray() {
		return im.Channels[0], nil
	}
	y, _, _, err := imageio.RGBToYCbCr(im)
	if err != nil {
		return nil, fmt.Errorf("deblur: %w", err)
	}
	return y, nil
}

// depthOf is the depth of the output for input im: its own, 8 when unknown.
func depthOf(im *imageio.Image) imageio.Depth {
	if im.Depth == imageio.Depth16 {
		return imageio.Depth16
	}
	return imageio.Depth8
}

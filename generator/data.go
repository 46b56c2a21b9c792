package generator

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/mnist"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
	"github.com/deblur/deblur/trajectory"
)

// MNISTTensor returns the images of s as an N x 1 x H x W tensor (values in
// [0, 1], sharing nothing with s).
func MNISTTensor(s *mnist.Set) *tensor.Tensor {
	return tensor.FromData(append([]float32(nil), s.Pixels...), s.N, 1, s.H, s.W)
}

// LoadImageFolder reads every image file directly in dir (imageio.IsImageName; in
// name order) as training data for a DCGAN: each image is cropped to its
// central square, resampled to size x size by area averaging, and given
// channels 1 (full-range luma 0.299 R + 0.587 G + 0.114 B) or 3 (gray
// images repeated). The result is N x channels x size x size in [0, 1].
func LoadImageFolder(dir string, size, channels int) (*tensor.Tensor, error) {
	if channels != 1 && channels != 3 {
		return nil, fmt.Errorf("generator: %d channels (1 or 3)", channels)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("generator: image folder: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && imageio.IsImageName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("generator: no image (PNG, JPEG, TIFF, WebP, BMP, GIF) in %s", dir)
	}
	per := channels * size * size
	out := tensor.New(len(names), channels, size, size)
	for i, name := range names {
		im, err := imageio.Read(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("generator: image folder: %w", err)
		}
		planes := im.Channels
		switch {
		case channels == 1 && len(planes) == 3:
			y := plane.New(im.W(), im.H())
			for j := range y.Pix {
				y.Pix[j] = 0.299*planes[0].Pix[j] + 0.587*planes[1].Pix[j] + 0.114*planes[2].Pix[j]
			}
			planes = []*plane.Plane{y}
		case channels == 3 && len(planes) == 1:
			planes = []*plane.Plane{planes[0], planes[0], planes[0]}
		}
		dst := out.Data[i*per : (i+1)*per]
		for c, p := range planes {
			side := min(p.W, p.H)
			r := resizeArea(p.CropCenter(side, side), size)
			for j, v := range r.Pix {
				dst[c*size*size+j] = float32(min(max(v, 0), 1))
			}
		}
	}
	return out, nil
}

// resizeArea resamples the square p to size x size: every output pixel is
// the mean of the part of p it covers (pixels partly covered count by the
// covered fraction).
func resizeArea(p *plane.Plane, size int) *plane.Plane {
	w := areaWeights(p.W, size)
	tmp := plane.New(size, p.H) // rows resampled
	for y := 0; y < p.H; y++ {
		for o, ws := range w {
			s := 0.0
			for _, t := range ws {
				s += t.w * p.At(t.i, y)
			}
			tmp.Set(o, y, s)
		}
	}
	out := plane.New(size, size)
	for x := 0; x < size; x++ {
		for o, ws := range w {
			s := 0.0
			for _, t := range ws {
				s += t.w * tmp.At(x, t.i)
			}
			out.Set(x, o, s)
		}
	}
	return out
}

type tap struct {
	i int
	w float64
}

// areaWeights returns for each of m output cells the source pixels of an
// axis of n pixels it overlaps and the normalised overlaps.
func areaWeights(n, m int) [][]tap {
	out := make([][]tap, m)
	scale := float64(n) / float64(m)
	for o := range out {
		lo, hi := float64(o)*scale, float64(o+1)*scale
		for i := int(lo); i < n && float64(i) < hi; i++ {
			ov := min(hi, float64(i+1)) - max(lo, float64(i))
			if ov > 0 {
				out[o] = append(out[o], tap{i, ov / scale})
			}
		}
	}
	return out
}

// SynthKernels draws n camera-shake kernels from trajectory.Default() (28x28,
// 100 samples, anxiety 0.01, lengths uniform in 5..28 px) with rng and
// returns them scaled to a peak of 1 as N x 1 x 28 x 28: KernelVAE's
// training data (see PeakNormalize).
func SynthKernels(rng *rand.Rand, n int) (*tensor.Tensor, error) {
	p := trajectory.Default()
	if p.Size != KernelSize {
		return nil, fmt.Errorf("generator: trajectory kernels of %d px, the kernel VAE needs %d", p.Size, KernelSize)
	}
	out := tensor.New(n, 1, KernelSize, KernelSize)
	per := KernelSize * KernelSize
	for i := range n {
		t, err := trajectory.Random(rng, p)
		if err != nil {
			return nil, err
		}
		k, err := t.Kernel(p.Size)
		if err != nil {
			return nil, fmt.Errorf("generator: kernel %d: %w", i, err)
		}
		dst := out.Data[i*per : (i+1)*per]
		for j, v := range k.Pix {
			dst[j] = float32(v)
		}
	}
	return PeakNormalize(out), nil
}

// hasIDX reports whether dir holds an MNIST-format image file.
func hasIDX(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*images-idx3-ubyte*"))
	return len(m) > 0
}

// LoadIDXFolder reads the images of an MNIST-format folder (mnist.ReadDir:
// its training split when it holds both) as training data for a DCGAN,
// keeping those whose label is in classes (all when classes is empty; then
// labels are not needed), each fitted to size x size (FitIDX); channels 3
// repeats the gray. The result is N x channels x size x size in [0, 1].
func LoadIDXFolder(dir string, classes []int, size, channels int) (*tensor.Tensor, error) {
	if channels != 1 && channels != 3 {
		return nil, fmt.Errorf("generator: %d channels (1 or 3)", channels)
	}
	set, err := mnist.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("generator: %w", err)
	}
	if len(classes) > 0 && set.Labels == nil {
		return nil, fmt.Errorf("generator: classes %v asked for, but %s has no labels file", classes, dir)
	}
	images, _ := FitIDX(set, classes, size, 0)
	if len(images) == 0 {
		return nil, fmt.Errorf("generator: no image of classes %v in %s", classes, dir)
	}
	per := channels * size * size
	out := tensor.New(len(images), channels, size, size)
	for n, p := range images {
		dst := out.Data[n*per : (n+1)*per]
		for c := range channels {
			for i, v := range p.Pix {
				dst[c*size*size+i] = float32(v)
			}
		}
	}
	return out, nil
}

// FitIDX returns the images of set whose label is in classes (all when
// classes is empty, which needs no labels), in order, at most limit of
// them (0: all), each fitted to size x size as LoadIDXFolder trains on
// them: an image smaller than size centred on black (MNIST and
// Fashion-MNIST draw on black), a larger one's central square resampled by
// area averaging. It also returns their labels (nil when set has none).
func FitIDX(set *mnist.Set, classes []int, size, limit int) ([]*plane.Plane, []uint8) {
	var images []*plane.Plane
	var labels []uint8
	for i := 0; i < set.N && (limit == 0 || len(images) < limit); i++ {
		if len(classes) > 0 && !slices.Contains(classes, int(set.Labels[i])) {
			continue
		}
		p := plane.New(set.W, set.H)
		for j, v := range set.Image(i) {
			p.Pix[j] = float64(v)
		}
		if p.W > size || p.H > size {
			side := min(p.W, p.H)
			p = resizeArea(p.CropCenter(side, side), size)
		}
		x := plane.New(size, size)
		x0, y0 := (size-p.W)/2, (size-p.H)/2
		for y := 0; y < p.H; y++ {
			copy(x.Pix[(y0+y)*size+x0:(y0+y)*size+x0+p.W], p.Pix[y*p.W:(y+1)*p.W])
		}
		images = append(images, x)
		if set.Labels != nil {
			labels = append(labels, set.Labels[i])
		}
	}
	return images, labels
}

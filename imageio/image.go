// Package imageio reads and writes images as float64 planes in [0, 1] and
// converts between colour spaces.
//
// Decoding understands PNG (8 and 16 bit; gray, colour, palette, with or
// without alpha), baseline and progressive JPEG (also CMYK), TIFF (8 and 16
// bit), WebP, BMP and GIF (its first frame), the last four through
// golang.org/x/image; JPEG and TIFF are turned upright by their EXIF
// orientation. Every error names the file or the reason; no input makes
// the package panic. Writing is atomic: a failed
// write never leaves a partial file at the destination.
package imageio

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/deblur/deblur/plane"
)

// Image is a decoded picture: one plane (gray) or three planes (R, G, B), all
// the same size, with samples nominally in [0, 1]. Alpha is not kept.
// The planes belong to the Image; functions that take an Image do not modify
// it unless they say so.
type Image struct {
	Channels []*plane.Plane
	// Depth is the sample depth of the source the image was decoded from
	// (Depth8 or Depth16; 0 when unknown), the depth to write it back at.
	Depth Depth
}

// Depth is the number of bits per sample of an encoded image.
type Depth int

// The sample depths ToImage and WritePNG support.
const (
	Depth8  Depth = 8
	Depth16 Depth = 16
)

// NewGray wraps p (not copied) as a one-channel image.
func NewGray(p *plane.Plane) *Image { return &Image{Channels: []*plane.Plane{p}} }

// NewRGB wraps r, g and b (not copied) as a colour image. It returns an error
// unless the three planes have the same size.
func NewRGB(r, g, b *plane.Plane) (*Image, error) {
	if !r.SameSize(g) || !r.SameSize(b) {
		return nil, fmt.Errorf("imageio: channel sizes differ: %dx%d, %dx%d, %dx%d", r.W, r.H, g.W, g.H, b.W, b.H)
	}
	return &Image{Channels: []*plane.Plane{r, g, b}}, nil
}

// W returns the width in pixels (0 for an image without channels).
func (im *Image) W() int {
	if len(im.Channels) == 0 {
		return 0
	}
	return im.Channels[0].W
}

// H returns the height in pixels (0 for an image without channels).
func (im *Image) H() int {
	if len(im.Channels) == 0 {
		return 0
	}
	return im.Channels[0].H
}

// IsGray reports whether the image has exactly one channel.
func (im *Image) IsGray() bool { return len(im.Channels) == 1 }

// Clone returns a deep copy.
func (im *Image) Clone() *Image {
	c := &Image{Channels: make([]*plane.Plane, len(im.Channels)), Depth: im.Depth}
	for i, p := range im.Channels {
		c.Channels[i] = p.Clone()
	}
	return c
}

// validate checks that im has 1 or 3 channels of one size.
func (im *Image) validate() error {
	if n := len(im.Channels); n != 1 && n != 3 {
		return fmt.Errorf("imageio: image has %d channels, want 1 or 3", n)
	}
	for _, p := range im.Channels {
		if p == nil || !p.SameSize(im.Channels[0]) || len(p.Pix) != p.W*p.H {
			return fmt.Errorf("imageio: image channels are missing or differ in size")
		}
	}
	return nil
}

// FromImage converts img to planes in [0, 1]. Gray images (color.Gray,
// color.Gray16, palettes whose entries are all gray, and NRGBA or NRGBA64
// images whose red, green and blue are equal everywhere, as PNG's gray +
// alpha decodes) give one channel, everything else three. Alpha is ignored: colours are taken
// un-premultiplied, so a transparent pixel keeps the colour it stores.
// Sample values are divided by 255 (8-bit sources) or 65535 (16-bit sources)
// so 8-bit data keeps its exact k/255 levels.
//
// Depth is Depth16 for 16-bit colour models (Gray16, RGBA64, NRGBA64) and
// Depth8 for every other.
func FromImage(img image.Image) *Image {
	im := fromImage(img)
	im.Depth = Depth8
	switch img.ColorModel() {
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		im.Depth = Depth16
	}
	return im
}

func fromImage(img image.Image) *Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch src := img.(type) {
	case *image.Gray:
		p := plane.New(w, h)
		for y := 0; y < h; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+w]
			for x, v := range row {
				p.Pix[y*w+x] = float64(v) / 255
			}
		}
		return NewGray(p)
	case *image.Gray16:
		p := plane.New(w, h)
		for y := 0; y < h; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+2*w]
			for x := 0; x < w; x++ {
				p.Pix[y*w+x] = float64(uint16(row[2*x])<<8|uint16(row[2*x+1])) / 65535
			}
		}
		return NewGray(p)
	case *image.NRGBA:
		return grayIfEqual(fromInterleaved8(src.Pix, src.Stride, w, h))
	case *image.NRGBA64:
		return grayIfEqual(fromGeneric(img))
	case *image.RGBA:
		if opaque(src) {
			return fromInterleaved8(src.Pix, src.Stride, w, h)
		}
	case *image.Paletted:
		return fromPaletted(src)
	}
	return fromGeneric(img)
}

// grayIfEqual returns im's first channel alone when its three channels are
// equal everywhere. PNG's gray + alpha decodes to NRGBA or NRGBA64, so this
// is how such a file stays gray.
func grayIfEqual(im *Image) *Image {
	if !im.Neutral() {
		return im
	}
	return NewGray(im.Channels[0])
}

// Neutral reports whether every pixel of im is a gray: im has one channel,
// or three equal ones (a gray picture saved as colour).
func (im *Image) Neutral() bool {
	if len(im.Channels) != 3 {
		return len(im.Channels) == 1
	}
	r, g, b := im.Channels[0].Pix, im.Channels[1].Pix, im.Channels[2].Pix
	for i, v := range r {
		if g[i] != v || b[i] != v {
			return false
		}
	}
	return true
}

func opaque(img *image.RGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0xff {
			return false
		}
	}
	return true
}

// fromInterleaved8 reads 8-bit RGBA samples, non-premultiplied or opaque.
func fromInterleaved8(pix []uint8, stride, w, h int) *Image {
	r, g, b := plane.New(w, h), plane.New(w, h), plane.New(w, h)
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+4*w]
		for x := 0; x < w; x++ {
			i := y*w + x
			r.Pix[i] = float64(row[4*x]) / 255
			g.Pix[i] = float64(row[4*x+1]) / 255
			b.Pix[i] = float64(row[4*x+2]) / 255
		}
	}
	return &Image{Channels: []*plane.Plane{r, g, b}}
}

func fromPaletted(src *image.Paletted) *Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	n := len(src.Palette)
	pr, pg, pb := make([]float64, 256), make([]float64, 256), make([]float64, 256)
	gray := true
	for i := 0; i < n && i < 256; i++ {
		c := color.NRGBAModel.Convert(src.Palette[i]).(color.NRGBA)
		pr[i], pg[i], pb[i] = float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
		if c.R != c.G || c.G != c.B {
			gray = false
		}
	}
	// Indices beyond the palette decode as black, as image.Paletted.At does.
	if gray {
		p := plane.New(w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p.Pix[y*w+x] = pr[src.Pix[y*src.Stride+x]]
			}
		}
		return NewGray(p)
	}
	r, g, bl := plane.New(w, h), plane.New(w, h), plane.New(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			k := src.Pix[y*src.Stride+x]
			i := y*w + x
			r.Pix[i], g.Pix[i], bl.Pix[i] = pr[k], pg[k], pb[k]
		}
	}
	return &Image{Channels: []*plane.Plane{r, g, bl}}
}

// fromGeneric goes through color.NRGBA64, so it handles every image type
// (YCbCr from JPEG, CMYK, 16-bit RGB, ...). 8-bit sources convert exactly
// because v*257/65535 == v/255.
func fromGeneric(img image.Image) *Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	gray := false
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		gray = true
	}
	if gray {
		p := plane.New(w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.Gray16Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray16)
				p.Pix[y*w+x] = float64(c.Y) / 65535
			}
		}
		return NewGray(p)
	}
	r, g, bl := plane.New(w, h), plane.New(w, h), plane.New(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA64Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
			i := y*w + x
			r.Pix[i] = float64(c.R) / 65535
			g.Pix[i] = float64(c.G) / 65535
			bl.Pix[i] = float64(c.B) / 65535
		}
	}
	return &Image{Channels: []*plane.Plane{r, g, bl}}
}

// quantize maps v in [0, 1] to 0..max with rounding; values outside [0, 1]
// are clamped and NaN becomes 0.
func quantize(v float64, max float64) uint32 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return uint32(max)
	}
	return uint32(math.Round(v * max))
}

// ToImage converts im to an opaque image.Image of the given depth:
// *image.Gray or *image.NRGBA for Depth8, *image.Gray16 or *image.NRGBA64
// for Depth16. Samples are clamped to [0, 1] and rounded to the nearest
// level; NaN becomes 0. It returns an error for an invalid depth or an image
// that does not have 1 or 3 channels of one size.
func (im *Image) ToImage(depth Depth) (image.Image, error) {
	if err := im.validate(); err != nil {
		return nil, err
	}
	w, h := im.W(), im.H()
	rect := image.Rect(0, 0, w, h)
	switch {
	case depth == Depth8 && im.IsGray():
		out := image.NewGray(rect)
		for i, v := range im.Channels[0].Pix {
			out.Pix[i] = uint8(quantize(v, 255))
		}
		return out, nil
	case depth == Depth16 && im.IsGray():
		out := image.NewGray16(rect)
		for i, v := range im.Channels[0].Pix {
			q := quantize(v, 65535)
			out.Pix[2*i], out.Pix[2*i+1] = uint8(q>>8), uint8(q)
		}
		return out, nil
	case depth == Depth8:
		out := image.NewNRGBA(rect)
		for i := 0; i < w*h; i++ {
			for c := 0; c < 3; c++ {
				out.Pix[4*i+c] = uint8(quantize(im.Channels[c].Pix[i], 255))
			}
			out.Pix[4*i+3] = 0xff
		}
		return out, nil
	case depth == Depth16:
		out := image.NewNRGBA64(rect)
		for i := 0; i < w*h; i++ {
			for c := 0; c < 3; c++ {
				q := quantize(im.Channels[c].Pix[i], 65535)
				out.Pix[8*i+2*c], out.Pix[8*i+2*c+1] = uint8(q>>8), uint8(q)
			}
			out.Pix[8*i+6], out.Pix[8*i+7] = 0xff, 0xff
		}
		return out, nil
	}
	return nil, fmt.Errorf("imageio: unsupported depth %d (want 8 or 16)", depth)
}

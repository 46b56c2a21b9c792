package imageio

import (
	"bytes"
	"image"
	"image/color"
)

// Orientation is the EXIF orientation of an image file: how the stored
// pixels must be turned to show the picture upright (1 is as stored; 2-8
// are the mirrorings and quarter turns of the EXIF and TIFF standards).
type Orientation int

// exifOrientation finds the orientation tag (0x0112) of a JPEG's Exif
// block (APP1) or of a TIFF's first directory. It returns 1 when there is
// none or the data are malformed: a bad tag never stops a decode.
func exifOrientation(data []byte) Orientation {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		return jpegOrientation(data)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return tiffOrientation(data)
	}
	return 1
}

// jpegOrientation reads the first APP1 segment that starts "Exif\0\0".
func jpegOrientation(data []byte) Orientation {
	for _, seg := range jpegSegments(data) {
		if seg.marker == 0xe1 && bytes.HasPrefix(seg.body, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg.body[6:])
		}
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of the first image directory of a TIFF
// structure (a TIFF file, or the body of an Exif block).
func tiffOrientation(t []byte) Orientation {
	bo, e, ok := tiffEntry(t, 0x0112)
	// Type SHORT (3), count 1: the value sits in the entry itself.
	if !ok || bo.Uint16(e[2:]) != 3 || bo.Uint32(e[4:]) != 1 {
		return 1
	}
	if v := Orientation(bo.Uint16(e[8:])); v >= 1 && v <= 8 {
		return v
	}
	return 1
}

// orient returns img turned upright according to o: a new image of the
// same depth (8 or 16 bits, gray or colour), or img itself when o is 1.
func orient(img image.Image, o Orientation) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o >= 5 { // the transposing orientations swap the sides
		ow, oh = h, w
	}
	dst := newLike(img, ow, oh)
	for y := range h {
		for x := range w {
			dx, dy := orientedPoint(o, x, y, w, h)
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

// orientedPoint is where the stored pixel (x, y) of a w x h image goes in
// the upright picture.
func orientedPoint(o Orientation, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored left-right
		return w - 1 - x, y
	case 3: // turned half round
		return w - 1 - x, h - 1 - y
	case 4: // mirrored top-bottom
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // stored turned a quarter anticlockwise: turn it clockwise
		return h - 1 - y, x
	case 7: // transversed
		return h - 1 - y, w - 1 - x
	case 8: // stored turned a quarter clockwise: turn it anticlockwise
		return y, w - 1 - x
	}
	return x, y
}

// settable is an image whose pixels can be set.
type settable interface {
	image.Image
	Set(x, y int, c color.Color)
}

// newLike makes a w x h image that keeps img's depth and colour: Gray16,
// NRGBA64, Gray or NRGBA.
func newLike(img image.Image, w, h int) settable {
	r := image.Rect(0, 0, w, h)
	switch img.ColorModel() {
	case color.Gray16Model:
		return image.NewGray16(r)
	case color.GrayModel:
		return image.NewGray(r)
	case color.RGBA64Model, color.NRGBA64Model:
		return image.NewNRGBA64(r)
	}
	return image.NewNRGBA(r)
}

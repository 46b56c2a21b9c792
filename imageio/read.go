package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Errors that Read and Decode wrap; test with errors.Is.
var (
	// ErrNotImage: the data is not a PNG, JPEG, TIFF, WebP, BMP or GIF file, nor any other
	// format this package recognises.
	ErrNotImage = errors.New("not an image")
	// ErrUnsupported: a recognised image format (or a variant of one) that
	// this package cannot decode.
	ErrUnsupported = errors.New("unsupported image format")
	// ErrTruncated: the data ends before the image does.
	ErrTruncated = errors.New("truncated image data")
	// ErrCorrupt: the data is malformed.
	ErrCorrupt = errors.New("corrupt image data")
	// ErrTooSmall: the image is narrower or lower than Limits.MinSize.
	ErrTooSmall = errors.New("image too small")
	// ErrTooLarge: the image has more pixels than Limits.MaxPixels.
	ErrTooLarge = errors.New("image too large")
)

// DefaultMaxPixels is the pixel-count limit used when Limits.MaxPixels is 0
// (100 megapixels; as float64 RGB planes that is 2.4 GB).
const DefaultMaxPixels = 100_000_000

// Limits bounds the images Decode accepts; they are checked from the header
// before any pixel is decoded. The zero value means "at least 1x1 and at most
// DefaultMaxPixels pixels".
type Limits struct {
	// MinSize is the smallest width and height accepted (0 means 1).
	MinSize int
	// MaxPixels is the largest width*height accepted (0 means
	// DefaultMaxPixels).
	MaxPixels int64
}

func (l Limits) check(w, h int) error {
	min := max(l.MinSize, 1)
	maxPix := l.MaxPixels
	if maxPix <= 0 {
		maxPix = DefaultMaxPixels
	}
	if w < min || h < min {
		return fmt.Errorf("%w: %dx%d, need at least %dx%d", ErrTooSmall, w, h, min, min)
	}
	if int64(w)*int64(h) > maxPix {
		return fmt.Errorf("%w: %dx%d is %d pixels, limit %d", ErrTooLarge, w, h, int64(w)*int64(h), maxPix)
	}
	return nil
}

// Read decodes the image file (PNG, JPEG, TIFF, WebP, BMP, GIF) at path with the default Limits.
// Errors contain the path.
func Read(path string) (*Image, error) { return ReadLimits(path, Limits{}) }

// ReadLimits is Read with explicit limits.
func ReadLimits(path string, lim Limits) (*Image, error) {
	img, err := ReadImage(path, lim)
	if err != nil {
		return nil, err
	}
	return FromImage(img), nil
}

// ReadImage decodes the image file at path within lim, upright, as
// the decoder returns it (8 or 16 bits per sample, gray or colour).
// Errors contain the path.
func ReadImage(path string, lim Limits) (image.Image, error) {
	img, _, err := ReadImageMeta(path, lim)
	return img, err
}

// Meta is what an image file says besides its pixels.
type Meta struct {
	// ICC is the embedded colour profile, nil when there is none.
	ICC []byte
	// Orientation is the EXIF orientation, already applied to the image.
	Orientation Orientation
}

// ReadImageMeta is ReadImage that also returns the file's Meta, so that
// the colour profile can be written with the output (WriteOptions.ICC).
func ReadImageMeta(path string, lim Limits) (image.Image, Meta, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// The *PathError already names the file.
		return nil, Meta{}, fmt.Errorf("imageio: %w", err)
	}
	img, err := decodeImage(data, lim)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("imageio: %s: %w", path, err)
	}
	return img, MetaOf(data), nil
}

// MetaOf reads the Meta of an encoded image; what is missing or malformed
// is left zero.
func MetaOf(data []byte) Meta {
	return Meta{ICC: iccProfile(data), Orientation: exifOrientation(data)}
}

// DecodeImage is Decode returning the image as the decoder made it (8 or
// 16 bits per sample, gray or colour).
func DecodeImage(r io.Reader, lim Limits) (image.Image, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("imageio: reading image: %w", err)
	}
	img, err := decodeImage(data, lim)
	if err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	return img, nil
}

// Decode reads all of r and decodes it as a PNG, JPEG, TIFF, WebP, BMP or
// GIF image within lim. The format is found from the leading bytes, not
// from a file name. The whole encoded input is held in memory while
// decoding; the pixel limit is checked from the header before any pixel is
// decoded. A JPEG's or TIFF's EXIF orientation is applied, so the image
// comes out upright as viewers show it.
func Decode(r io.Reader, lim Limits) (*Image, error) {
	img, err := DecodeImage(r, lim)
	if err != nil {
		return nil, err
	}
	return FromImage(img), nil
}

// supported names the formats Decode reads.
const supported = "PNG, JPEG, TIFF, WebP, BMP, GIF"

// codec is one decodable format.
type codec struct {
	name         string
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

// sniff names the format of data from its magic number. It returns a nil
// codec and a non-empty name for recognised but unsupported formats, and
// both empty when the data is not recognised.
func sniff(data []byte) (*codec, string) {
	has := func(prefix string) bool { return bytes.HasPrefix(data, []byte(prefix)) }
	switch {
	case has("\x89PNG\r\n\x1a\n"):
		return &codec{"PNG", png.DecodeConfig, png.Decode}, "PNG"
	case has("\xff\xd8"):
		return &codec{"JPEG", jpeg.DecodeConfig, jpeg.Decode}, "JPEG"
	case has("II*\x00"), has("MM\x00*"):
		return &codec{"TIFF", tiff.DecodeConfig, tiff.Decode}, "TIFF"
	case has("II+\x00"), has("MM\x00+"):
		return nil, "BigTIFF"
	case has("GIF87a"), has("GIF89a"):
		return &codec{"GIF", gif.DecodeConfig, gif.Decode}, "GIF" // the first frame
	case len(data) >= 14 && has("BM"):
		return &codec{"BMP", bmp.DecodeConfig, bmp.Decode}, "BMP"
	case len(data) >= 12 && has("RIFF") && string(data[8:12]) == "WEBP":
		return &codec{"WebP", webp.DecodeConfig, webp.Decode}, "WebP"
	case has("\x00\x00\x00\x0cjP  "):
		return nil, "JPEG 2000"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return nil, "HEIF/AVIF"
	case len(data) >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6' &&
		(data[2] == '\n' || data[2] == ' ' || data[2] == '\r' || data[2] == '\t'):
		return nil, "PNM"
	}
	return nil, ""
}

// decodeImage checks the header against lim, then decodes. Decoder panics on
// malformed data are turned into ErrCorrupt errors.
func decodeImage(data []byte, lim Limits) (img image.Image, err error) {
	c, name := sniff(data)
	if c == nil {
		if name != "" {
			return nil, fmt.Errorf("%w: %s (supported: "+supported+")", ErrUnsupported, name)
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("%w: empty file", ErrNotImage)
		}
		return nil, fmt.Errorf("%w: unrecognised data (supported: "+supported+")", ErrNotImage)
	}
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder failed: %v", ErrCorrupt, c.name, r)
		}
	}()
	cfg, err := c.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, classify(c.name, "header", err)
	}
	if err := lim.check(cfg.Width, cfg.Height); err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	img, err = c.decode(bytes.NewReader(data))
	if err != nil {
		return nil, classify(c.name, "data", err)
	}
	img = orient(img, exifOrientation(data))
	// A decoder should honour its own header; check again all the same.
	b := img.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		if err := lim.check(b.Dx(), b.Dy()); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return img, nil
}

// classify wraps a decoder error with one of the package's sentinel errors.
func classify(format, part string, err error) error {
	var pngUnsup png.UnsupportedError
	var jpegUnsup jpeg.UnsupportedError
	var tiffUnsup tiff.UnsupportedError
	var pngFormat png.FormatError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		// image/png reports an IDAT stream that stops early this way.
		errors.As(err, &pngFormat) && strings.Contains(string(pngFormat), "not enough pixel data"):
		return fmt.Errorf("%w: %s %s ends early", ErrTruncated, format, part)
	case errors.As(err, &pngUnsup), errors.As(err, &jpegUnsup), errors.As(err, &tiffUnsup):
		return fmt.Errorf("%w: %s: %v", ErrUnsupported, format, err)
	}
	return fmt.Errorf("%w: %s %s: %v", ErrCorrupt, format, part, err)
}

// imageExts are the file extensions of the formats Decode reads.
var imageExts = []string{".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif"}

// IsImageName reports whether a file name is taken as an image when a
// folder is searched: by its extension, in any case (Decode itself goes by
// the content); hidden files (a leading dot) never.
func IsImageName(name string) bool {
	return !strings.HasPrefix(name, ".") && slices.Contains(imageExts, strings.ToLower(filepath.Ext(name)))
}

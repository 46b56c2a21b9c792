package imageio

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"golang.org/x/image/tiff"

	"github.com/deblur/deblur/internal/atomicfile"
)

// WritePNG encodes im as a PNG of the given depth (Depth8 or Depth16) at
// path; see (*Image).ToImage for the conversion. The file is written
// atomically: the data goes to a temporary file in the same directory, which
// is synced and then renamed over path, so path holds either its old content
// or the complete new image, never a partial one. The new file has mode 0644
// (set explicitly, whatever the umask).
func WritePNG(path string, im *Image, depth Depth) error {
	img, err := im.ToImage(depth)
	if err != nil {
		return fmt.Errorf("imageio: writing %s: %w", path, err)
	}
	return WriteImagePNG(path, img)
}

// WriteImagePNG writes img as a PNG at path, atomically as WritePNG does.
func WriteImagePNG(path string, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := atomicfile.Write(path, func(w io.Writer) error { return enc.Encode(w, img) }); err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	return nil
}

// The output formats, chosen by the file name's extension (FormatOf).
const (
	FormatPNG  = "png"
	FormatJPEG = "jpeg"
	FormatTIFF = "tiff"
)

// FormatOf names the format a path's extension asks for: .png, .jpg or
// .jpeg, .tif or .tiff, in any case. Other extensions are an error.
func FormatOf(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return FormatPNG, nil
	case ".jpg", ".jpeg":
		return FormatJPEG, nil
	case ".tif", ".tiff":
		return FormatTIFF, nil
	}
	return "", fmt.Errorf("output %s: unknown extension %q: want .png, .jpg, .jpeg, .tif or .tiff", path, filepath.Ext(path))
}

// DefaultJPEGQuality is the JPEG quality WriteImage uses when none is given.
const DefaultJPEGQuality = 95

// WriteOptions tune WriteImage; the zero value means the defaults.
type WriteOptions struct {
	// Quality is the JPEG quality, 1 to 100 (0: DefaultJPEGQuality).
	Quality int
	// ICC is a colour profile to embed (PNG and JPEG; TIFF output is
	// written without one), typically the input's (Meta.ICC).
	ICC []byte
}

// WriteImage writes img at path in the format of its extension
// (FormatOf), atomically as WritePNG does: PNG and TIFF keep 16 bits per
// sample when img has them (TIFF deflate-compressed), JPEG has 8. The
// colour profile o.ICC is embedded in PNG and JPEG output.
func WriteImage(path string, img image.Image, o WriteOptions) error {
	format, err := FormatOf(path)
	if err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	q := o.Quality
	if q == 0 {
		q = DefaultJPEGQuality
	}
	if q < 1 || q > 100 {
		return fmt.Errorf("imageio: writing %s: JPEG quality %d: want 1 to 100", path, q)
	}
	var encode func(io.Writer) error
	switch format {
	case FormatPNG:
		if len(o.ICC) == 0 {
			return WriteImagePNG(path, img)
		}
		encode = func(w io.Writer) error {
			var buf bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img); err != nil {
				return err
			}
			_, err := w.Write(withPNGICC(buf.Bytes(), o.ICC))
			return err
		}
	case FormatJPEG:
		if g, ok := img.(*image.Gray16); ok { // a gray JPEG, not a colour one
			g8 := image.NewGray(g.Bounds())
			draw.Draw(g8, g8.Bounds(), g, g.Bounds().Min, draw.Src)
			img = g8
		}
		encode = func(w io.Writer) error {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				return err
			}
			_, err := w.Write(withJPEGICC(buf.Bytes(), o.ICC))
			return err
		}
	case FormatTIFF:
		encode = func(w io.Writer) error {
			return tiff.Encode(w, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true})
		}
	}
	if err := atomicfile.Write(path, encode); err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	return nil
}

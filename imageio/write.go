package imageio

import (
	"fmt"
	"image"
	"image/png"
	"io"

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

package imageio

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
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
	return writeAtomic(path, func(w io.Writer) error { return enc.Encode(w, img) })
}

// writeAtomic runs write on a temporary file next to path, syncs it and
// renames it to path. On any failure the temporary file is removed and path
// is untouched.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("imageio: writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("imageio: writing %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	// Make the rename itself durable; not all systems can sync a directory,
	// and the file is complete either way, so failures here are ignored.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

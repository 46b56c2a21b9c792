package imageio

import (
	"errors"
	"image"
	"image/color"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/plane"
	_ "golang.org/x/image/tiff"
)

// dirNames lists dir, failing the test on error.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteAtomicKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk on fire")
	err := atomicfile.Write(path, func(w io.Writer) error {
		w.Write(make([]byte, 100_000)) // more than the buffer: reaches the temp file
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("destination changed to %d bytes", len(b))
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("temporary file left behind: %v", names)
	}

	// An invalid image fails before anything is created.
	bad := &Image{Channels: []*plane.Plane{plane.New(1, 1), plane.New(2, 2), plane.New(1, 1)}}
	if err := WritePNG(path, bad, Depth8); err == nil {
		t.Fatal("invalid image written")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatal("destination changed")
	}

	// A missing directory is an error naming the path.
	if err := WritePNG(filepath.Join(dir, "no", "x.png"), NewGray(plane.New(1, 1)), Depth8); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}

	// Success replaces the file, mode 0644, no leftovers.
	if err := WritePNG(path, NewGray(plane.New(2, 2)), Depth16); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("stat %v %v", fi, err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("temporary file left behind: %v", names)
	}
	if im, err := Read(path); err != nil || im.W() != 2 {
		t.Fatalf("reading back: %v", err)
	}
}

func TestWriteImageFormats(t *testing.T) {
	dir := t.TempDir()
	src := image.NewGray16(image.Rect(0, 0, 9, 7))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 37)
	}
	for _, c := range []struct {
		name   string
		model  color.Model
		format string
	}{
		{"a.png", color.Gray16Model, "png"}, {"b.TIF", color.Gray16Model, "tiff"}, {"c.tiff", color.Gray16Model, "tiff"},
		{"d.jpg", color.GrayModel, "jpeg"}, {"e.JPEG", color.GrayModel, "jpeg"},
	} {
		p := filepath.Join(dir, c.name)
		if err := WriteImage(p, src, WriteOptions{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := image.Decode(f)
		f.Close()
		if err != nil || format != c.format || img.ColorModel() != c.model || img.Bounds() != src.Bounds() {
			t.Errorf("%s: %s %T %v, %v; want %s with %v samples", c.name, format, img, img.Bounds(), err, c.format, c.model)
		}
		if c.model == color.Gray16Model {
			for i := range src.Pix {
				if img.(*image.Gray16).Pix[i] != src.Pix[i] {
					t.Fatalf("%s: the 16-bit samples changed", c.name)
				}
			}
		}
	}
	for _, bad := range []struct {
		name string
		q    int
	}{{"x.webp", 0}, {"x", 0}, {"x.jpg", 101}, {"x.jpg", -1}} {
		if err := WriteImage(filepath.Join(dir, bad.name), src, WriteOptions{Quality: bad.q}); err == nil {
			t.Errorf("WriteImage(%s, quality %d) succeeded", bad.name, bad.q)
		}
		if _, err := os.Stat(filepath.Join(dir, bad.name)); err == nil {
			t.Errorf("a refused write left %s", bad.name)
		}
	}
}

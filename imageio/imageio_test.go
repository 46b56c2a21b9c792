package imageio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/plane"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// testImage returns a deterministic w x h image with 1 or 3 channels whose
// samples are exact multiples of 1/levels.
func testImage(w, h, channels int, levels float64, seed uint64) *Image {
	rng := rand.New(rand.NewPCG(seed, 1))
	im := &Image{}
	for c := 0; c < channels; c++ {
		p := plane.New(w, h)
		for i := range p.Pix {
			p.Pix[i] = float64(rng.IntN(int(levels)+1)) / levels
		}
		im.Channels = append(im.Channels, p)
	}
	return im
}

func encode(t *testing.T, img image.Image, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100})
	case "tiff":
		err = tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate})
	case "gif":
		err = gif.Encode(&buf, img, nil)
	case "bmp":
		err = bmp.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func equalImages(t *testing.T, got, want *Image, tol float64) {
	t.Helper()
	if len(got.Channels) != len(want.Channels) || got.W() != want.W() || got.H() != want.H() {
		t.Fatalf("got %d channels %dx%d, want %d channels %dx%d",
			len(got.Channels), got.W(), got.H(), len(want.Channels), want.W(), want.H())
	}
	for c := range want.Channels {
		for i, v := range want.Channels[c].Pix {
			if d := math.Abs(got.Channels[c].Pix[i] - v); d > tol {
				t.Fatalf("channel %d sample %d: got %v want %v", c, i, got.Channels[c].Pix[i], v)
			}
		}
	}
}

func TestPNGRoundTripExact(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		channels int
		depth    Depth
		levels   float64
	}{{1, Depth8, 255}, {3, Depth8, 255}, {1, Depth16, 65535}, {3, Depth16, 65535}} {
		want := testImage(7, 5, tc.channels, tc.levels, uint64(tc.channels)*uint64(tc.depth))
		path := filepath.Join(dir, "out.png")
		if err := WritePNG(path, want, tc.depth); err != nil {
			t.Fatal(err)
		}
		got, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		// 8-bit and 16-bit levels survive exactly (k/255 == 257k/65535 in
		// float64 up to the last bit, so allow 1e-15).
		equalImages(t, got, want, 1e-15)
	}
}

func TestToImageClampsAndRounds(t *testing.T) {
	p, _ := plane.FromSlice(5, 1, []float64{-0.5, math.NaN(), 0.5 / 255, 1.49 / 255, 7})
	img, err := NewGray(p).ToImage(Depth8)
	if err != nil {
		t.Fatal(err)
	}
	got := img.(*image.Gray).Pix
	want := []uint8{0, 0, 1, 1, 255} // 0.5 rounds away from zero
	if !bytes.Equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	if _, err := NewGray(p).ToImage(12); err == nil {
		t.Fatal("depth 12 accepted")
	}
	bad := &Image{Channels: []*plane.Plane{plane.New(2, 2), plane.New(2, 2)}}
	if _, err := bad.ToImage(Depth8); err == nil {
		t.Fatal("two-channel image accepted")
	}
}

func TestPaletteGrayAndColor(t *testing.T) {
	grayPal := color.Palette{color.Gray{0}, color.Gray{100}, color.Gray{255}}
	pi := image.NewPaletted(image.Rect(0, 0, 3, 1), grayPal)
	pi.Pix = []uint8{2, 1, 0}
	im, err := Decode(bytes.NewReader(encode(t, pi, "png")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Image{Channels: []*plane.Plane{{W: 3, H: 1, Pix: []float64{1, 100.0 / 255, 0}}}}
	equalImages(t, im, want, 0)

	colPal := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 51, 102, 255}}
	pc := image.NewPaletted(image.Rect(0, 0, 2, 1), colPal)
	pc.Pix = []uint8{1, 0}
	im, err = Decode(bytes.NewReader(encode(t, pc, "png")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want = &Image{Channels: []*plane.Plane{
		{W: 2, H: 1, Pix: []float64{0, 1}},
		{W: 2, H: 1, Pix: []float64{0.2, 0}},
		{W: 2, H: 1, Pix: []float64{0.4, 0}},
	}}
	equalImages(t, im, want, 0)
}

func TestAlphaIgnored(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	img.Pix = []uint8{200, 100, 50, 10}
	im, err := Decode(bytes.NewReader(encode(t, img, "png")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Image{Channels: []*plane.Plane{
		{W: 1, H: 1, Pix: []float64{200.0 / 255}},
		{W: 1, H: 1, Pix: []float64{100.0 / 255}},
		{W: 1, H: 1, Pix: []float64{50.0 / 255}},
	}}
	equalImages(t, im, want, 1e-15)
}

func TestJPEG(t *testing.T) {
	// A smooth image survives quality-100 JPEG to within a few levels.
	rgb := image.NewRGBA(image.Rect(0, 0, 32, 24))
	gray := image.NewGray(rgb.Bounds())
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			rgb.Set(x, y, color.RGBA{uint8(4 * x), uint8(5 * y), 128, 255})
			gray.SetGray(x, y, color.Gray{uint8(3*x + 2*y)})
		}
	}
	im, err := Decode(bytes.NewReader(encode(t, rgb, "jpeg")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	equalImages(t, im, FromImage(rgb), 6.0/255)
	im, err = Decode(bytes.NewReader(encode(t, gray, "jpeg")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !im.IsGray() {
		t.Fatal("gray JPEG decoded with colour channels")
	}
	equalImages(t, im, FromImage(gray), 2.0/255)
}

func TestTIFF16(t *testing.T) {
	want := testImage(6, 4, 1, 65535, 3)
	img, _ := want.ToImage(Depth16)
	got, err := Decode(bytes.NewReader(encode(t, img, "tiff")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	equalImages(t, got, want, 1e-15)

	want = testImage(6, 4, 3, 65535, 4)
	img, _ = want.ToImage(Depth16)
	got, err = Decode(bytes.NewReader(encode(t, img, "tiff")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	equalImages(t, got, want, 1e-15)

	want = testImage(6, 4, 3, 255, 5)
	img, _ = want.ToImage(Depth8)
	got, err = Decode(bytes.NewReader(encode(t, img, "tiff")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	equalImages(t, got, want, 1e-15)
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pngData := encode(t, testImage(20, 10, 3, 255, 1).mustImage(t), "png")
	cases := []struct {
		name string
		path string
		lim  Limits
		want error
	}{
		{"missing", filepath.Join(dir, "nope.png"), Limits{}, fs.ErrNotExist},
		{"empty", write("empty.png", nil), Limits{}, ErrNotImage},
		{"text", write("notes.png", []byte("hello, this is not an image")), Limits{}, ErrNotImage},
		{"truncated", write("cut.png", pngData[:len(pngData)/2]), Limits{}, ErrTruncated},
		{"jpeg 2000", write("a.jp2", []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")), Limits{}, ErrUnsupported},
		{"cut webp", write("a.webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 \x04\x00\x00\x00junk")), Limits{}, ErrTruncated},
		{"too small", write("small.png", pngData), Limits{MinSize: 11}, ErrTooSmall},
		{"too large", write("large.png", pngData), Limits{MaxPixels: 199}, ErrTooLarge},
	}
	for _, c := range cases {
		_, err := ReadLimits(c.path, c.lim)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: error %q does not name the file", c.name, err)
		}
	}
	if _, err := ReadLimits(filepath.Join(dir, "large.png"), Limits{MaxPixels: 200, MinSize: 10}); err != nil {
		t.Errorf("image at the limits rejected: %v", err)
	}
}

func (im *Image) mustImage(t *testing.T) image.Image {
	img, err := im.ToImage(Depth8)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// A header that claims a huge image must be rejected from the header alone,
// before the (here missing) pixel data is read.
func TestSizeCheckedBeforeDecoding(t *testing.T) {
	full := encode(t, testImage(4, 4, 1, 255, 1).mustImage(t), "png")
	// Signature (8) + IHDR length/type (8) + IHDR data (13) + CRC (4).
	hdr := append([]byte(nil), full[:33]...)
	binaryPut := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v) }
	binaryPut(hdr[16:], 50000)
	binaryPut(hdr[20:], 50000)
	// Fix the CRC so the header itself is valid.
	binaryPut(hdr[29:], crc32.ChecksumIEEE(hdr[12:29]))
	_, err := Decode(bytes.NewReader(hdr), Limits{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

// Every prefix of valid PNG, JPEG and TIFF files, and randomly corrupted
// copies, must give an error (or an image), never a panic.
func TestBadBytesNeverPanic(t *testing.T) {
	src := testImage(16, 12, 3, 255, 9).mustImage(t)
	rng := rand.New(rand.NewPCG(42, 42))
	for _, format := range []string{"png", "jpeg", "tiff", "gif", "bmp"} {
		data := encode(t, src, format)
		for n := 0; n < len(data); n++ {
			im, err := Decode(bytes.NewReader(data[:n]), Limits{})
			if err == nil && format == "png" {
				// JPEG and GIF may decode a prefix missing only its end marker, and
				// TIFF one missing bytes that no tag points to.
				t.Fatalf("%s prefix of %d/%d bytes decoded to %dx%d", format, n, len(data), im.W(), im.H())
			}
		}
		for trial := 0; trial < 300; trial++ {
			bad := append([]byte(nil), data...)
			for k := 0; k < 1+rng.IntN(8); k++ {
				bad[rng.IntN(len(bad))] = byte(rng.IntN(256))
			}
			Decode(bytes.NewReader(bad), Limits{}) // must not panic
		}
	}
}

func FuzzDecode(f *testing.F) {
	src := testImage(8, 8, 3, 255, 2)
	img, _ := src.ToImage(Depth8)
	for _, format := range []string{"png", "jpeg", "tiff", "gif", "bmp"} {
		var buf bytes.Buffer
		switch format {
		case "png":
			png.Encode(&buf, img)
		case "jpeg":
			jpeg.Encode(&buf, img, nil)
		case "tiff":
			tiff.Encode(&buf, img, nil)
		case "gif":
			gif.Encode(&buf, img, nil)
		case "bmp":
			bmp.Encode(&buf, img)
		}
		f.Add(buf.Bytes())
	}
	f.Add(withExif(encodeJPEG(img), 6, binary.BigEndian))
	f.Add(withJPEGICC(encodeJPEG(img), []byte("a small profile")))
	var pbuf bytes.Buffer
	png.Encode(&pbuf, img)
	f.Add(withPNGICC(pbuf.Bytes(), []byte("a small profile")))
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPVP8L\x04\x00\x00\x00\x2f\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := Decode(bytes.NewReader(data), Limits{MaxPixels: 1 << 20})
		if err == nil && im.validate() != nil {
			t.Fatal("decoded an invalid image")
		}
		if m := MetaOf(data); len(m.ICC) > maxICC || m.Orientation < 1 || m.Orientation > 8 {
			t.Fatalf("meta: %d-byte profile, orientation %d", len(m.ICC), m.Orientation)
		}
	})
}

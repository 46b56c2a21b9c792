package imageio

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/deblur/deblur/plane"
)

// grayAlphaPNG encodes a w x h PNG of colour type 4 (gray + alpha) at 8 or
// 16 bits, which Go's encoder does not write. gray(x, y) and alpha(x, y)
// are sample values at that depth.
func grayAlphaPNG(t *testing.T, w, h, depth int, gray, alpha func(x, y int) int) []byte {
	t.Helper()
	var raw bytes.Buffer
	for y := 0; y < h; y++ {
		raw.WriteByte(0) // filter: none
		for x := 0; x < w; x++ {
			for _, v := range []int{gray(x, y), alpha(x, y)} {
				if depth == 16 {
					raw.WriteByte(byte(v >> 8))
				}
				raw.WriteByte(byte(v))
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		body := append([]byte(kind), data...)
		out.Write(body)
		binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(body))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), 4
	chunk("IHDR", ihdr)
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// Gray + alpha PNG stays one channel, keeps its depth and its stored gray
// levels whatever the alpha (alpha is dropped, not multiplied in).
func TestGrayAlphaPNG(t *testing.T) {
	for _, depth := range []int{8, 16} {
		top := 1<<depth - 1
		gray := func(x, y int) int { return (x*37 + y*11) * top / (7*37 + 4*11) }
		alpha := func(x, y int) int { return (x + y) % 3 * top / 2 }
		im, err := Decode(bytes.NewReader(grayAlphaPNG(t, 8, 5, depth, gray, alpha)), Limits{})
		if err != nil {
			t.Fatalf("%d-bit: %v", depth, err)
		}
		if !im.IsGray() || im.Depth != Depth(depth) {
			t.Fatalf("%d-bit gray+alpha: %d channels, depth %d", depth, len(im.Channels), im.Depth)
		}
		for y := 0; y < 5; y++ {
			for x := 0; x < 8; x++ {
				if got, want := im.Channels[0].Pix[y*8+x], float64(gray(x, y))/float64(top); got != want {
					t.Fatalf("%d-bit (%d,%d): %v, want %v", depth, x, y, got, want)
				}
			}
		}
	}
	// A colour image with alpha stays colour.
	c := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	c.Pix = []uint8{10, 10, 10, 128, 10, 20, 10, 255}
	im, err := Decode(bytes.NewReader(encode(t, c, "png")), Limits{})
	if err != nil || im.IsGray() {
		t.Fatalf("colour with alpha: %v, gray %v", err, err == nil && im.IsGray())
	}
}

// CMYK images convert to RGB through the standard library's CMYK model.
func TestCMYK(t *testing.T) {
	src := image.NewCMYK(image.Rect(0, 0, 3, 1))
	copy(src.Pix, []uint8{0, 0, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255})
	im := FromImage(src)
	want := &Image{Channels: []*plane.Plane{
		{W: 3, H: 1, Pix: []float64{1, 0, 0}},
		{W: 3, H: 1, Pix: []float64{1, 1, 0}},
		{W: 3, H: 1, Pix: []float64{1, 0, 0}},
	}}
	equalImages(t, im, want, 0)

	// A CMYK JPEG (Adobe, inverted): Go's own test file and its PNG rendering
	// ship with the Go tree; skip where the tree lacks them.
	dir := filepath.Join(runtime.GOROOT(), "src", "image", "testdata")
	jpg, err1 := os.ReadFile(filepath.Join(dir, "video-001.cmyk.jpeg"))
	ref, err2 := os.ReadFile(filepath.Join(dir, "video-001.cmyk.png"))
	if err1 != nil || err2 != nil {
		t.Skipf("Go's CMYK test files are not here: %v %v", err1, err2)
	}
	got, err := Decode(bytes.NewReader(jpg), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	refImg, err := png.Decode(bytes.NewReader(ref))
	if err != nil {
		t.Fatal(err)
	}
	want = FromImage(refImg)
	if got.IsGray() || got.W() != want.W() || got.H() != want.H() {
		t.Fatalf("CMYK JPEG: %d channels %dx%d, want colour %dx%d", len(got.Channels), got.W(), got.H(), want.W(), want.H())
	}
	var sum float64
	for c := range want.Channels {
		for i, v := range want.Channels[c].Pix {
			sum += math.Abs(got.Channels[c].Pix[i] - v)
		}
	}
	if mean := sum / float64(3*got.W()*got.H()); mean > 4.0/255 {
		t.Errorf("CMYK JPEG differs from its rendering by %.2f levels on average", mean*255)
	}
}

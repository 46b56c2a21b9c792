package imageio

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withExif inserts after a JPEG's SOI an APP1 Exif segment whose first
// directory holds the orientation tag o, in byte order bo.
func withExif(jpg []byte, o uint16, bo binary.ByteOrder) []byte {
	var t bytes.Buffer
	if bo == binary.LittleEndian {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	binary.Write(&t, bo, uint16(42))
	binary.Write(&t, bo, uint32(8))      // the first directory
	binary.Write(&t, bo, uint16(2))      // two entries
	binary.Write(&t, bo, uint16(0x010f)) // Make, ASCII: a tag to step over
	binary.Write(&t, bo, uint16(2))
	binary.Write(&t, bo, uint32(4))
	t.WriteString("Go\x00\x00")
	binary.Write(&t, bo, uint16(0x0112)) // Orientation, SHORT, 1
	binary.Write(&t, bo, uint16(3))
	binary.Write(&t, bo, uint32(1))
	binary.Write(&t, bo, o)
	binary.Write(&t, bo, uint16(0))
	binary.Write(&t, bo, uint32(0)) // no next directory
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xe1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func encodeJPEG(img image.Image) []byte {
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100})
	return buf.Bytes()
}

// corners is a 32 x 16 gray image, dark, with one bright 8 x 8 block in
// the top-left corner: easy to follow through JPEG and any turn.
func corners() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 32, 16))
	for y := range 8 {
		for x := range 8 {
			g.SetGray(x, y, color.Gray{Y: 250})
		}
	}
	return g
}

func TestExifOrientation(t *testing.T) {
	jpg := encodeJPEG(corners())
	// Where the bright block's centre ends up for each orientation, in the
	// upright picture (w x h after turning).
	want := map[uint16]struct{ w, h, x, y int }{
		1: {32, 16, 4, 4}, 2: {32, 16, 27, 4}, 3: {32, 16, 27, 11}, 4: {32, 16, 4, 11},
		5: {16, 32, 4, 4}, 6: {16, 32, 11, 4}, 7: {16, 32, 11, 27}, 8: {16, 32, 4, 27},
	}
	for o := uint16(1); o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			data := withExif(jpg, o, bo)
			if got := exifOrientation(data); got != Orientation(o) {
				t.Fatalf("orientation %d (%v): read %d", o, bo, got)
			}
			img, err := DecodeImage(bytes.NewReader(data), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			w := want[o]
			if b := img.Bounds(); b.Dx() != w.w || b.Dy() != w.h {
				t.Fatalf("orientation %d: %dx%d, want %dx%d", o, b.Dx(), b.Dy(), w.w, w.h)
			}
			if v := color.GrayModel.Convert(img.At(w.x, w.y)).(color.Gray).Y; v < 200 {
				t.Errorf("orientation %d: (%d,%d) is %d, want the bright block", o, w.x, w.y, v)
			}
		}
	}
	// Malformed or absent tags leave the image as stored.
	for _, bad := range [][]byte{jpg, withExif(jpg, 9, binary.BigEndian), withExif(jpg, 0, binary.LittleEndian),
		withExif(jpg, 6, binary.BigEndian)[:40]} {
		if got := exifOrientation(bad); got != 1 {
			t.Errorf("malformed Exif read as orientation %d", got)
		}
	}
}

func TestOrientKeepsDepth(t *testing.T) {
	for _, img := range []image.Image{image.NewGray16(image.Rect(0, 0, 3, 2)), image.NewNRGBA64(image.Rect(0, 0, 3, 2)),
		image.NewGray(image.Rect(0, 0, 3, 2)), image.NewYCbCr(image.Rect(0, 0, 3, 2), image.YCbCrSubsampleRatio420)} {
		got := orient(img, 6)
		if got.Bounds() != image.Rect(0, 0, 2, 3) {
			t.Errorf("%T: bounds %v", img, got.Bounds())
		}
		want := map[color.Model]color.Model{color.Gray16Model: color.Gray16Model, color.NRGBA64Model: color.NRGBA64Model,
			color.GrayModel: color.GrayModel}[img.ColorModel()]
		if want == nil {
			want = color.NRGBAModel
		}
		if got.ColorModel() != want {
			t.Errorf("%T turned is %T", img, got)
		}
	}
}

func TestICCCarried(t *testing.T) {
	small := bytes.Repeat([]byte("profile!"), 50)
	large := make([]byte, 150_000) // three APP2 segments in a JPEG
	for i := range large {
		large[i] = byte(i * 7)
	}
	img := corners()
	dir := t.TempDir()
	for _, prof := range [][]byte{small, large} {
		jpg := withJPEGICC(encodeJPEG(img), prof)
		if got := MetaOf(jpg).ICC; !bytes.Equal(got, prof) {
			t.Fatalf("JPEG: read back %d bytes of a %d-byte profile", len(got), len(prof))
		}
		for _, name := range []string{"out.png", "out.jpg"} {
			p := dir + "/" + name
			if err := WriteImage(p, img, WriteOptions{ICC: prof}); err != nil {
				t.Fatal(err)
			}
			out, meta, err := ReadImageMeta(p, Limits{})
			if err != nil {
				t.Fatalf("%s with a profile does not decode: %v", name, err)
			}
			if !bytes.Equal(meta.ICC, prof) || out.Bounds() != img.Bounds() {
				t.Errorf("%s: profile of %d bytes read back as %d", name, len(prof), len(meta.ICC))
			}
		}
	}
	for _, bad := range [][]byte{encodeJPEG(img), withJPEGICC(encodeJPEG(img), large)[:70000], []byte("\x89PNG\r\n\x1a\n")} {
		if got := MetaOf(bad).ICC; got != nil {
			t.Errorf("a file without a whole profile gave %d bytes", len(got))
		}
	}
}

package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/deblur/deblur/internal/testfiles"
)

// idxImages encodes n images of h x w bytes (pixel i has value i % 256).
func idxImages(n, h, w int) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint32{0x803, uint32(n), uint32(h), uint32(w)})
	for i := range n * h * w {
		b.WriteByte(byte(i))
	}
	return b.Bytes()
}

func gz(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadImagesPlainAndGzip(t *testing.T) {
	raw := idxImages(3, 2, 4)
	for name, data := range map[string][]byte{"plain": raw, "gzip": gz(t, raw)} {
		s, err := ReadImages(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.N != 3 || s.H != 2 || s.W != 4 || len(s.Pixels) != 24 {
			t.Fatalf("%s: %d images of %dx%d, %d values", name, s.N, s.H, s.W, len(s.Pixels))
		}
		if s.Pixels[0] != 0 || s.Pixels[5] != 5.0/255 || s.Image(2)[0] != 16.0/255 {
			t.Errorf("%s: values %v", name, s.Pixels)
		}
	}
}

func TestReadRejectsBadInput(t *testing.T) {
	raw := idxImages(3, 2, 4)
	huge := append([]byte{}, raw...)
	binary.BigEndian.PutUint32(huge[4:], 1<<30)
	labels := []byte{0, 0, 8, 1, 0, 0, 0, 2, 7}
	for name, data := range map[string][]byte{
		"empty":         nil,
		"short header":  raw[:10],
		"truncated":     raw[:len(raw)-1],
		"truncated gz":  gz(t, raw)[:30],
		"wrong magic":   labels,
		"huge":          huge,
		"labels as img": append([]byte{0, 0, 8, 1}, raw[4:]...),
	} {
		if _, err := ReadImages(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ReadLabels(bytes.NewReader(labels)); err == nil {
		t.Error("labels: 1 of 2 labels read without error")
	}
	if l, err := ReadLabels(bytes.NewReader(append(labels, 3))); err != nil || l[1] != 3 {
		t.Errorf("labels: %v, %v", l, err)
	}
}

// TestReadDirShared reads the project's MNIST subset when it is present:
// 10,000 labelled digits (about 1,000 per class: 863 to 1,127), split
// 9,000 / 1,000.
func TestReadDirShared(t *testing.T) {
	dir := testfiles.Shared(t, "mnist")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no MNIST data:", err)
	}
	s, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 10000 || s.H != 28 || s.W != 28 || len(s.Labels) != 10000 {
		t.Fatalf("%d images of %dx%d, %d labels", s.N, s.H, s.W, len(s.Labels))
	}
	var count [10]int // logged; the classes are not exactly balanced
	for _, l := range s.Labels {
		count[l%10]++
	}
	ink := 0.0
	for _, v := range s.Pixels {
		ink += float64(v)
	}
	if ink /= float64(len(s.Pixels)); ink < 0.05 || ink > 0.3 {
		t.Errorf("mean pixel %.3f: not white-on-black digits in [0, 1]", ink)
	}
	train, held := s.HoldOut()
	if train.N != 9000 || held.N != 1000 || &held.Pixels[0] != &s.Pixels[9000*784] || held.Labels[0] != s.Labels[9000] {
		t.Errorf("split %d / %d", train.N, held.N)
	}
	t.Logf("class counts %v, mean pixel %.3f", count, ink)
}

func TestReadDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadDir(dir); err == nil {
		t.Error("empty directory accepted")
	}
	os.WriteFile(filepath.Join(dir, "x-images-idx3-ubyte"), idxImages(2, 1, 1), 0o644)
	os.WriteFile(filepath.Join(dir, "x-labels-idx1-ubyte"), []byte{0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3}, 0o644)
	if _, err := ReadDir(dir); err == nil {
		t.Error("3 labels for 2 images accepted")
	}
	small := &Set{N: 50, H: 1, W: 1, Pixels: make([]float32, 50)}
	if a, b := small.HoldOut(); a.N != 45 || b.N != 5 {
		t.Errorf("50 images held out as %d / %d", a.N, b.N)
	}
}

// FuzzRead: no IDX file, however damaged, makes the readers panic, and an
// image set read has as many pixels as its header says.
func FuzzRead(f *testing.F) {
	f.Add(idxImages(2, 3, 4))
	f.Add(gz(f, idxImages(1, 2, 2)))
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ReadImages(bytes.NewReader(data)); err == nil && len(s.Pixels) != s.N*s.H*s.W {
			t.Fatalf("%d pixels for %d images of %dx%d", len(s.Pixels), s.N, s.H, s.W)
		}
		ReadLabels(bytes.NewReader(data))
	})
}

// TestShortFileClaimingMuch: a 16-byte label file whose header announces
// 875 million labels is an error, and reading it allocates what the file
// holds, not what it claims (the fuzzer found the gigabyte allocation).
func TestShortFileClaimingMuch(t *testing.T) {
	data := []byte("\x00\x00\x08\x014444444\x00\x00\x00\x02\x07\x09")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err1 := ReadLabels(bytes.NewReader(data))
	_, err2 := ReadImages(bytes.NewReader(append([]byte{0, 0, 8, 3, 0x34, 0x34, 0x34, 0x34, 0, 0, 0x10, 0, 0, 0, 0x10, 0}, 1, 2, 3)))
	runtime.ReadMemStats(&after)
	if err1 == nil || err2 == nil {
		t.Fatalf("truncated files accepted: %v, %v", err1, err2)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
		t.Errorf("reading 16 bytes allocated %d bytes", grown)
	}
}

// TestReadSplit: a folder holding both splits gives the training split to
// ReadDir and either one, with its labels, to ReadSplit.
func TestReadSplit(t *testing.T) {
	dir := t.TempDir()
	labels := func(v ...byte) []byte { return append([]byte{0, 0, 8, 1, 0, 0, 0, byte(len(v))}, v...) }
	for name, data := range map[string][]byte{
		"train-images-idx3-ubyte": idxImages(3, 2, 2), "train-labels-idx1-ubyte": labels(1, 2, 3),
		"t10k-images-idx3-ubyte": idxImages(2, 2, 2), "t10k-labels-idx1-ubyte": labels(7, 9),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := ReadDir(dir); err != nil || s.N != 3 {
		t.Fatalf("ReadDir: %v, %+v", err, s)
	}
	s, err := ReadSplit(dir, "t10k")
	if err != nil || s.N != 2 || len(s.Labels) != 2 || s.Labels[1] != 9 {
		t.Fatalf("ReadSplit t10k: %v, %+v", err, s)
	}
	for _, bad := range []string{"", "valid", "t*", "../x"} {
		if _, err := ReadSplit(dir, bad); err == nil {
			t.Errorf("split %q accepted", bad)
		}
	}
}

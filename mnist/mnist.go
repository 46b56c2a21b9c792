// Package mnist reads the MNIST handwritten digits in their IDX format
// (optionally gzip-compressed), as shipped in ../shared/data/mnist: 28x28
// gray images with labels. It is the offline stand-in for the SVHN digits
// of the deep-generative-priors method (docs/methods.md).
//
// IDX: a big-endian header, the magic 0x00000803 (unsigned bytes, three
// dimensions) followed by the count, rows and columns for images, or
// 0x00000801 and the count for labels; then one byte per pixel (0 = white
// paper, 255 = ink) or per label, row-major.
package mnist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// HeldOutSize is how many images at the end of a set are held out from
// training: of the 10,000 shipped digits, the first 9,000 train and the
// last 1,000 are held out. See Set.HoldOut.
const HeldOutSize = 1000

// Set is a set of gray images of one size with optional labels.
type Set struct {
	N, H, W int
	// Pixels holds N images of H x W values in [0, 1] (byte / 255),
	// image-major, row-major: image i starts at i*H*W.
	Pixels []float32
	// Labels holds the N digit labels, or nil when none were read.
	Labels []uint8
}

// Image returns the H*W pixels of image i (sharing Pixels).
func (s *Set) Image(i int) []float32 { return s.Pixels[i*s.H*s.W : (i+1)*s.H*s.W] }

// Split returns the first k images and the rest (sharing s's storage).
// k must be in [0, N].
func (s *Set) Split(k int) (first, rest *Set) {
	if k < 0 || k > s.N {
		panic(fmt.Sprintf("mnist: Split(%d) of %d images", k, s.N))
	}
	part := func(lo, hi int) *Set {
		p := &Set{N: hi - lo, H: s.H, W: s.W, Pixels: s.Pixels[lo*s.H*s.W : hi*s.H*s.W]}
		if s.Labels != nil {
			p.Labels = s.Labels[lo:hi]
		}
		return p
	}
	return part(0, k), part(k, s.N)
}

// HoldOut splits s into training images and the held-out last
// min(HeldOutSize, N/10) (sharing s's storage).
func (s *Set) HoldOut() (train, held *Set) {
	return s.Split(s.N - min(HeldOutSize, s.N/10))
}

// maxBytes bounds the pixel data a header may announce (1 GiB), so a
// corrupt header cannot make the reader allocate without limit.
const maxBytes = 1 << 30

// ReadDir reads the images and, if present, the labels of an MNIST
// directory: the one file whose name contains "images-idx3-ubyte" and at
// most one containing "labels-idx1-ubyte" (e.g. mnist10k-images-idx3-ubyte.gz
// and mnist10k-labels-idx1-ubyte.gz). A folder holding both splits, as
// MNIST and Fashion-MNIST are distributed (train-* and t10k-*), gives the
// training split.
func ReadDir(dir string) (*Set, error) {
	return readDir(dir, "")
}

// ReadSplit reads one split of an MNIST-format folder: the files whose
// names start with split and a dash ("train" or "t10k" for the
// distributed MNIST and Fashion-MNIST), images required, labels if present.
func ReadSplit(dir, split string) (*Set, error) {
	if split == "" || strings.ContainsAny(split, `*?[\/`) {
		return nil, fmt.Errorf("mnist: split name %q", split)
	}
	return readDir(dir, split+"-")
}

// readDir is ReadDir (prefix "") or ReadSplit (the files starting with
// prefix).
func readDir(dir, prefix string) (*Set, error) {
	find := func(pattern string, required bool) (string, error) {
		m, err := filepath.Glob(filepath.Join(dir, prefix+"*"+pattern+"*"))
		if err != nil {
			return "", err
		}
		if len(m) > 1 && prefix == "" {
			if train, _ := filepath.Glob(filepath.Join(dir, "train-"+pattern+"*")); len(train) == 1 {
				m = train
			}
		}
		switch {
		case len(m) == 1:
			return m[0], nil
		case len(m) == 0 && !required:
			return "", nil
		case len(m) == 0:
			return "", fmt.Errorf("mnist: no %s*%s* file in %s", prefix, pattern, dir)
		}
		return "", fmt.Errorf("mnist: %d files match %s*%s* in %s, want one", len(m), prefix, pattern, dir)
	}
	ipath, err := find("images-idx3-ubyte", true)
	if err != nil {
		return nil, err
	}
	s, err := readFile(ipath, func(r io.Reader) (*Set, error) { return ReadImages(r) })
	if err != nil {
		return nil, err
	}
	lpath, err := find("labels-idx1-ubyte", false)
	if err != nil || lpath == "" {
		return s, err
	}
	ls, err := readFile(lpath, func(r io.Reader) (*Set, error) {
		l, err := ReadLabels(r)
		return &Set{Labels: l}, err
	})
	if err != nil {
		return nil, err
	}
	if len(ls.Labels) != s.N {
		return nil, fmt.Errorf("mnist: %s has %d labels for %d images", lpath, len(ls.Labels), s.N)
	}
	s.Labels = ls.Labels
	return s, nil
}

func readFile(path string, read func(io.Reader) (*Set, error)) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	s, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("mnist: %s: %w", path, err)
	}
	return s, nil
}

// decompress returns r itself, or a gzip reader when r starts with the
// gzip magic bytes.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err == nil && bytes.Equal(head, []byte{0x1f, 0x8b}) {
		return gzip.NewReader(br)
	}
	return br, nil
}

// header reads the magic and the dimensions of an IDX file of unsigned
// bytes with ndim dimensions.
func header(r io.Reader, ndim int) ([]int, error) {
	h := make([]uint32, 1+ndim)
	if err := binary.Read(r, binary.BigEndian, h); err != nil {
		return nil, fmt.Errorf("reading the IDX header: %w", err)
	}
	if want := uint32(0x0800 | ndim); h[0] != want {
		return nil, fmt.Errorf("not an IDX file of %d-D unsigned bytes (magic %#08x, want %#08x)", ndim, h[0], want)
	}
	dims := make([]int, ndim)
	total := uint64(1)
	for i, d := range h[1:] {
		dims[i] = int(d)
		total *= uint64(d)
		if total > maxBytes {
			return nil, fmt.Errorf("IDX dimensions %v exceed %d bytes", h[1:], maxBytes)
		}
	}
	return dims, nil
}

// body reads exactly n bytes. The buffer grows with the bytes that
// arrive, so a short file whose header announces a gigabyte costs what the
// file holds, not what it claims.
func body(r io.Reader, n int) ([]byte, error) {
	var b bytes.Buffer
	got, err := io.CopyN(&b, r, int64(n))
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("truncated: want %d data bytes, got %d: %w", n, got, io.ErrUnexpectedEOF)
		}
		return nil, err
	}
	return b.Bytes(), nil
}

// ReadImages reads an IDX image file (magic 0x803), plain or gzipped,
// scaling every byte to [0, 1].
func ReadImages(r io.Reader) (*Set, error) {
	r, err := decompress(r)
	if err != nil {
		return nil, err
	}
	d, err := header(r, 3)
	if err != nil {
		return nil, err
	}
	if d[1] == 0 || d[2] == 0 {
		return nil, fmt.Errorf("images of %dx%d pixels", d[1], d[2])
	}
	b, err := body(r, d[0]*d[1]*d[2])
	if err != nil {
		return nil, err
	}
	s := &Set{N: d[0], H: d[1], W: d[2], Pixels: make([]float32, len(b))}
	for i, v := range b {
		s.Pixels[i] = float32(v) / 255
	}
	return s, nil
}

// ReadLabels reads an IDX label file (magic 0x801), plain or gzipped.
func ReadLabels(r io.Reader) ([]uint8, error) {
	r, err := decompress(r)
	if err != nil {
		return nil, err
	}
	d, err := header(r, 1)
	if err != nil {
		return nil, err
	}
	return body(r, d[0])
}

// Package testfiles locates the files tests read: the repository's own
// testdata folder, always present (the golden vectors of the reference
// networks and a few Levin images: the correctness core), and the optional
// ../shared/data beside a development checkout (the full benchmarks and
// MNIST), whose absence skips the tests that need it with a reason
// scripts/test counts.
package testfiles

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// root is the repository root: two folders above this file.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Path returns the path of elem under the repository's testdata folder.
func Path(elem ...string) string {
	return filepath.Join(append([]string{root(), "testdata"}, elem...)...)
}

// SharedRoot returns the path of the shared data folder, ../shared/data
// beside the repository.
func SharedRoot() string { return filepath.Join(root(), "..", "shared", "data") }

// Shared returns the path of elem under the shared data folder, or skips
// tb when it does not exist, saying which folder the test needs.
func Shared(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{SharedRoot()}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		what := "../shared/data"
		if len(elem) > 0 {
			what += "/" + elem[0]
		}
		tb.Skipf("needs %s (not beside this checkout)", what)
	}
	return p
}

// Fashion writes a small Fashion-MNIST-like folder in a temporary folder
// of tb and returns its path: a test split (t10k-*) of 28x28 images with
// the given labels, image i filled with the value i+1, and a one-image
// training split (train-*) that test-split readers must not take.
func Fashion(tb testing.TB, labels []byte) string {
	tb.Helper()
	dir := tb.TempDir()
	write := func(name string, header []uint32, body []byte) {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, header)
		b.Write(body)
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	n := len(labels)
	pix := make([]byte, n*28*28)
	for i := range pix {
		pix[i] = byte(i/(28*28) + 1)
	}
	write("t10k-images-idx3-ubyte", []uint32{0x803, uint32(n), 28, 28}, pix)
	write("t10k-labels-idx1-ubyte", []uint32{0x801, uint32(n)}, labels)
	write("train-images-idx3-ubyte", []uint32{0x803, 1, 28, 28}, make([]byte, 28*28))
	write("train-labels-idx1-ubyte", []uint32{0x801, 1}, []byte{7})
	return dir
}

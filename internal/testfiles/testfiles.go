// Package testfiles locates the files tests read: the repository's own
// testdata folder, always present (the golden vectors of the reference
// networks and a few Levin images: the correctness core), and the optional
// ../shared/data beside a development checkout (the full benchmarks and
// MNIST), whose absence skips the tests that need it with a reason
// scripts/test counts.
package testfiles

import (
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

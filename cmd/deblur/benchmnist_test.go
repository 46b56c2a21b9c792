package main

import (
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/internal/testfiles"
)

func needMNIST(t *testing.T) {
	t.Helper()
	testfiles.Shared(t, "mnist")
}

func TestBenchMNISTUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "levin", "-steps", "10"},
		{"bench", "lai", "-sweep", "noise"},
		{"bench", "mnist", "-sweep", "blur"},
		{"bench", "mnist", "-steps", "0"},
		{"bench", "mnist", "-restarts", "-1"},
		{"bench", "mnist", "-sweep-digits", "0"},
		{"bench", "mnist", "-sd-width", "2"},
		{"bench", "mnist", "-method", "deep-deblur+nope"},
	} {
		code, _, stderr := runCLI(append(args, "-data", testDataRoot, "-out", t.TempDir())...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
	needMNIST(t)
	for _, args := range [][]string{
		{"bench", "mnist", "-digits", "0"},
		{"bench", "mnist", "-noise", "-1"},
		{"bench", "mnist", "-sd-kernel-size", "29"},
	} {
		code, _, stderr := runCLI(append(args, "-data", testDataRoot, "-out", t.TempDir())...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
}

// TestBenchMNISTAll runs every row of "-method all" on two digits with a
// few iterations each and checks the summary.
func TestBenchMNISTAll(t *testing.T) {
	needMNIST(t)
	out := t.TempDir()
	code, _, stderr := runCLI("bench", "mnist", "-method", "all", "-digits", "2", "-steps", "3", "-slack-steps", "3", "-project-steps", "3",
		"-restarts", "2", "-sd-iters", "3", "-sd-width", "8", "-q", "-out", out, "-data", testDataRoot)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "mnist", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range mnistAll() {
		if !strings.Contains(string(md), "(`"+row+"`) |") {
			t.Errorf("summary lacks row %s:\n%s", row, md)
		}
	}
	if !strings.Contains(string(md), "3 steps, 2 restarts") || !strings.Contains(string(md), "| 2/2 |") {
		t.Errorf("summary lacks the settings or counts:\n%s", md)
	}
	// Other settings in the same folder are refused.
	code, _, stderr = runCLI("bench", "mnist", "-method", "deep-deblur", "-digits", "2", "-steps", "4", "-restarts", "2", "-q", "-out", out, "-data", testDataRoot)
	if code == 0 || !strings.Contains(stderr, "other settings") {
		t.Errorf("changed settings: exit %d, %q", code, stderr)
	}
}

// TestBenchMNISTSweep runs the length sweep for the cheap rows on two
// digits and checks the CSV and the chart.
func TestBenchMNISTSweep(t *testing.T) {
	needMNIST(t)
	out := t.TempDir()
	code, _, stderr := runCLI("bench", "mnist", "-sweep", "length", "-sweep-digits", "2", "-method", "blurry,known-kernel+irls-circular", "-out", out, "-data", testDataRoot)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "sweep-length.png") {
		t.Errorf("stderr %q", stderr)
	}
	rows := readCSVFile(t, filepath.Join(out, "mnist", "sweep-length.csv"))
	if len(rows) != 1+6*2 || rows[1][0] != "5" || rows[12][0] != "28" || rows[12][1] != "known-kernel+irls-circular" || rows[1][6] != "2" {
		t.Errorf("sweep csv: %v", rows)
	}
	f, err := os.Open(filepath.Join(out, "mnist", "sweep-length.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 500 {
		t.Errorf("chart: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "mnist", "sweep-length", "9.6", "mnist", "blurry", "digit0001.json")); err != nil {
		t.Error(err)
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestBenchShoes runs every row of "-method all" on the shoes of a small
// Fashion-MNIST-like folder with a few steps, checks the summary (the
// published Shoes column, Algorithm 2's warm start), a noise sweep, and
// the usage errors of the shoes dataset.
func TestBenchShoes(t *testing.T) {
	dir := testfiles.Fashion(t, []byte{5, 0, 7, 9})
	out := t.TempDir()
	code, _, stderr := runCLI("bench", "shoes", "-shoes", dir, "-method", "all", "-digits", "2", "-steps", "3", "-slack-steps", "3", "-slack-warm", "2",
		"-project-steps", "3", "-restarts", "2", "-sd-iters", "3", "-sd-width", "8", "-q", "-out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "shoes", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range mnistAll() {
		if !strings.Contains(string(md), "(`"+row+"`) |") {
			t.Errorf("summary lacks row %s:\n%s", row, md)
		}
	}
	for _, want := range []string{"Fashion-MNIST shoes (2 shoes, 32x32 gray", "| 2/2 |", "started from 2 steps of Alg. 1, weights following the noise", "Shoes column", "| Deep Deblur with Slack (Alg. 2) | 26.98 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	code, _, stderr = runCLI("bench", "shoes", "-shoes", dir, "-method", "deep-deblur-slack", "-digits", "1", "-slack-steps", "2", "-restarts", "2",
		"-slack-as-published", "-q", "-out", filepath.Join(out, "published"))
	if code != 0 {
		t.Fatalf("-slack-as-published: exit %d: %s", code, stderr)
	}
	if md, _ := os.ReadFile(filepath.Join(out, "published", "shoes", "summary.md")); !strings.Contains(string(md), "| 2 steps, 2 restarts, Adam 0.005 |") {
		t.Errorf("as published, the summary says:\n%s", md)
	}
	code, _, stderr = runCLI("bench", "shoes", "-shoes", dir, "-sweep", "noise", "-sweep-digits", "1", "-method", "blurry", "-q", "-out", out)
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if rows := readCSVFile(t, filepath.Join(out, "shoes", "sweep-noise.csv")); len(rows) != 1+10 {
		t.Errorf("sweep csv: %v", rows)
	}
	for _, args := range [][]string{
		{"-shoes", t.TempDir()},         // no data
		{"-shoes", dir, "-digits", "4"}, // three shoes in the folder
		{"-shoes", dir, "-slack-warm", "-1"},
		{"-shoes", dir, "-fit-seed", "2"},
	} {
		code, _, stderr := runCLI(append([]string{"bench", "shoes", "-out", t.TempDir()}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI("bench", "mnist", "-shoes", dir, "-data", testDataRoot, "-out", t.TempDir()); code != 2 || !strings.Contains(stderr, "-shoes") {
		t.Errorf("bench mnist -shoes: exit %d, %q", code, stderr)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/trajectory"
)

func readKernelSet(t *testing.T, dir string) kernelSet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kernels.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set kernelSet
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	return set
}

// TestSynthKernels checks that the command writes exactly the kernels of
// trajectory.Kernels for the seed, as PNGs and (with -values) as floats.
func TestSynthKernels(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "set")
	code, out, errs := runCLI("synth", "kernels", "-n", "12", "-size", "15", "-seed", "3", "-values", "-out", dir)
	if code != 0 || out != "" || !strings.Contains(errs, "wrote 12 kernels") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	p := trajectory.Default()
	p.Size, p.MaxLength = 15, 15 // -max-length defaults to -size
	ks, lengths, err := trajectory.Kernels(nn.NewRand(3), 12, p)
	if err != nil {
		t.Fatal(err)
	}
	set := readKernelSet(t, dir)
	if set.Seed != 3 || set.Count != 12 || len(set.Kernels) != 12 || set.Params != (kernelParams{15, 100, 0.01, 5, 15}) {
		t.Fatalf("kernels.json: seed %d, count %d, %d entries, params %+v", set.Seed, set.Count, len(set.Kernels), set.Params)
	}
	for i, info := range set.Kernels {
		if name := fmt.Sprintf("kernel_%05d.png", i+1); info.File != name || info.Length != lengths[i] || len(info.Values) != 15 {
			t.Errorf("entry %d: %s, length %v, %d rows; want %s, %v, 15", i, info.File, info.Length, len(info.Values), name, lengths[i])
		}
		for y, row := range info.Values {
			for x, v := range row {
				if v != ks[i].At(x, y) {
					t.Fatalf("entry %d: value (%d,%d) %v, want %v", i, x, y, v, ks[i].At(x, y))
				}
			}
		}
		f, err := os.Open(filepath.Join(dir, info.File))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		want := imageio.KernelImage(ks[i], 1)
		if err != nil || img.Bounds() != want.Bounds() {
			t.Fatalf("%s: %v, bounds %v", info.File, err, img.Bounds())
		}
		for y := 0; y < 15; y++ {
			for x := 0; x < 15; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r>>8 != uint32(want.GrayAt(x, y).Y) {
					t.Fatalf("%s: pixel (%d,%d) differs from the library's kernel", info.File, x, y)
				}
			}
		}
	}

	// The same flags give the same bytes; without -values no values.
	again := filepath.Join(t.TempDir(), "again")
	if code, _, errs := runCLI("synth", "kernels", "-q", "-n", "12", "-size", "15", "-seed", "3", "-out", again); code != 0 || errs != "" {
		t.Fatalf("rerun: exit %d, stderr %q", code, errs)
	}
	for _, info := range set.Kernels {
		a, _ := os.ReadFile(filepath.Join(dir, info.File))
		b, err := os.ReadFile(filepath.Join(again, info.File))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs (%v)", info.File, err)
		}
	}
	if s := readKernelSet(t, again); s.Kernels[0].Values != nil || s.Kernels[0].Length != lengths[0] {
		t.Errorf("without -values: %+v", s.Kernels[0])
	}
}

func TestSynthKernelsErrors(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	for _, c := range []struct {
		args    []string
		message string
	}{
		{[]string{"synth"}, "say what"},
		{[]string{"synth", "images"}, `unknown target "images"`},
		{[]string{"synth", "kernels", "-out", out}, "-n 0"},
		{[]string{"synth", "kernels", "-n", "-3", "-out", out}, "-n -3"},
		{[]string{"synth", "kernels", "-n", "20000000", "-out", out}, "want 1 to 10000000"},
		{[]string{"synth", "kernels", "-n", "2"}, "-out is required"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "extra"}, "want no arguments"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "-bogus"}, "bogus"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "-size", "2"}, "size 2"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "-max-length", "29"}, "exceeds the frame size 28"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "-min-length", "10", "-max-length", "8"}, "exceeds maximum"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "-anxiety", "2"}, "anxiety 2"},
		{[]string{"synth", "kernels", "-n", "2", "-out", out, "-samples", "1"}, "1 samples"},
		{[]string{"synth", "kernels", "-n", "2", "-out", filepath.Join(file, "sub")}, "output directory"},
	} {
		code, stdout, errs := runCLI(c.args...)
		if code != 2 || stdout != "" || !strings.Contains(errs, c.message) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 mentioning %q", c.args, code, stdout, errs, c.message)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed call left %s behind (%v)", out, err)
	}
	// A file that cannot be written is a runtime failure (exit 1), and the
	// set is not recorded as complete.
	blocked := filepath.Join(tmp, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "kernel_00002.png", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI("synth", "kernels", "-q", "-n", "5", "-out", blocked)
	if _, err := os.Stat(filepath.Join(blocked, "kernels.json")); code != 1 || !strings.Contains(errs, "kernel_00002.png") || !os.IsNotExist(err) {
		t.Errorf("unwritable kernel file: exit %d, stderr %q, kernels.json: %v", code, errs, err)
	}
	for _, args := range [][]string{{"synth", "-h"}, {"synth", "kernels", "-h"}} {
		if code, _, errs := runCLI(args...); code != 0 || !strings.Contains(errs, "Usage: deblur synth kernels") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

func TestSynthKernelsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	var errb bytes.Buffer
	o := synthKernelsOptions{n: 50, out: dir, seed: 1, p: trajectory.Default(), quiet: true}
	err := writeKernelSet(ctx, &cliEnv{stdout: &errb, stderr: &errb}, o)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("got %v, want an interruption error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kernels.json")); !os.IsNotExist(err) {
		t.Errorf("kernels.json written after an interruption (%v)", err)
	}
}

// TestSynthSamples: a grid of the digit prior's samples, one pixel apart,
// the same for the same seed; bad flags are usage errors.
func TestSynthSamples(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	for _, out := range []string{a, b, b} {
		if code, _, stderr := runCLI("synth", "samples", "-prior", "digits", "-n", "10", "-seed", "3", "-overwrite", "-o", out); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	im, err := imageio.Read(a)
	if err != nil || !im.IsGray() || im.W() != 4*29-1 || im.H() != 3*29-1 {
		t.Fatalf("grid: %v, %dx%d", err, im.W(), im.H())
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("the same seed gave another grid")
	}
	for _, args := range [][]string{
		{"synth", "samples", "-n", "0", "-o", filepath.Join(dir, "c.png")},
		{"synth", "samples", "-n", "5"},
		{"synth", "samples", "-prior", filepath.Join(dir, "none.dbw"), "-o", filepath.Join(dir, "c.png")},
		{"synth", "samples", "-o", a},
	} {
		if code, _, _ := runCLI(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

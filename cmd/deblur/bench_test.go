package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/internal/testfiles"
)

// testDataRoot is the shared data folder (tests that need it call
// testfiles.Shared first).
var testDataRoot = testfiles.SharedRoot()

func TestBenchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "nope"},
		{"bench", "levin", "lai"},
		{"bench", "levin", "-method", "selfdeblur-paper"},
		{"bench", "levin", "-method", "known-kernel"},
		{"bench", "levin", "-method", ","},
		{"bench", "levin", "-limit", "-1"},
		{"bench", "levin", "-iters", "-1"},
		{"bench", "levin", "-polish", "-1"},
		{"bench", "levin", "-preset", "nope"},
		{"bench", "levin", "-lr-kernel", "-1"},
		{"bench", "levin", "-digits", "3"},
		{"bench", "mnist", "-preset", "fast"},
		{"bench", "levin", "-method", "selfdeblur-default"},
		{"bench", "levin", "-pick", "best"},
		{"bench", "levin", "-fit-seed", "-1"},
		{"bench", "levin", "-cases", "["},
		{"bench", "levin", "-ratio", "nope"},
		{"bench", "levin", "-bogus"},
		{"bench", "levin", "-noise", "-0.1"},
		{"bench", "levin", "-method", "known-kernel+irls:lambda=-1"},
		{"bench", "levin", "-method", "known-kernel+irls:nope=1"},
		{"bench", "levin", "-jpeg", "101"},
		{"bench", "mnist", "-jpeg", "90"},
	} {
		code, _, stderr := runCLI(args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
	if code, _, _ := runCLI("bench", "-h"); code != 0 {
		t.Errorf("bench -h: exit %d", code)
	}
}

func TestBenchLevinResumes(t *testing.T) {
	testfiles.Shared(t, "levin")
	out := t.TempDir()
	args := []string{"bench", "levin", "-method", "blurry,known-kernel+wiener-reflect", "-limit", "2", "-out", out, "-data", testDataRoot}
	code, _, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "[2/2] blurry im1_kernel2: PSNR 23.22") || !strings.Contains(stderr, "eta") {
		t.Errorf("progress: %q", stderr)
	}
	if !strings.Contains(stderr, "[2/2] known-kernel+wiener-reflect im1_kernel2: PSNR ") || !strings.Contains(stderr, " ER 1.000 ") {
		t.Errorf("progress: %q", stderr)
	}
	for _, f := range []string{"blurry/im1_kernel1.png", "blurry/im1_kernel2.json", "blurry/results.csv", "results.json", "summary.md",
		"known-kernel+wiener-reflect/im1_kernel2.png", "known-kernel+wiener-reflect/im1_kernel2-kernel.png", "known-kernel+wiener-reflect/results.json"} {
		if _, err := os.Stat(filepath.Join(out, "levin", f)); err != nil {
			t.Error(err)
		}
	}
	code, _, stderr = runCLI(args...)
	if code != 0 || strings.Count(stderr, "2 of 2 cases done before, skipped") != 2 || strings.Contains(stderr, "[1/2]") {
		t.Errorf("rerun: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(append(args, "-q", "-cases", "im3_*")...)
	if code != 0 || stderr != "" {
		t.Errorf("quiet run: exit %d, stderr %q", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "levin", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| SelfDeblur (published) | 33.07 |") || !strings.Contains(string(md), "| **blurry (ours)** | ") || !strings.Contains(string(md), "| **known-kernel+wiener-reflect (ours)** | ") || !strings.Contains(string(md), "| 4/32 |") {
		t.Errorf("summary.md:\n%s", md)
	}
}

// TestBenchDegraded: -noise and -jpeg damage the inputs further, into a
// dataset folder of their own, and the blurry row scores lower.
func TestBenchDegraded(t *testing.T) {
	testfiles.Shared(t, "levin")
	out := t.TempDir()
	psnr := func(dataset string, extra ...string) float64 {
		args := append([]string{"bench", "levin", "-q", "-method", "blurry", "-cases", "im1_kernel1", "-out", out, "-data", testDataRoot}, extra...)
		if code, _, stderr := runCLI(args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, dataset, "blurry", "im1_kernel1.json"))
		if err != nil {
			t.Fatal(err)
		}
		var res struct{ PSNR float64 }
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatal(err)
		}
		return res.PSNR
	}
	clean := psnr("levin")
	noisy := psnr("levin-noise0.05-jpeg80", "-noise", "0.05", "-jpeg", "80")
	if !(noisy < clean-0.5) {
		t.Errorf("blurry input: %.2f dB clean, %.2f dB with noise 0.05 and JPEG 80", clean, noisy)
	}
}

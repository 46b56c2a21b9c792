package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/selfdeblur"
)

const testDataRoot = "../../../shared/data"

func TestBenchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "nope"},
		{"bench", "levin", "lai"},
		{"bench", "levin", "-method", "selfdeblur"},
		{"bench", "levin", "-method", "known-kernel"},
		{"bench", "levin", "-method", ","},
		{"bench", "levin", "-limit", "-1"},
		{"bench", "levin", "-iters", "-1"},
		{"bench", "levin", "-polish", "-1"},
		{"bench", "levin", "-estimate-size", "0"},
		{"bench", "levin", "-centre-size", "-1"},
		{"bench", "levin", "-pick", "best"},
		{"bench", "levin", "-fit-seed", "-1"},
		{"bench", "levin", "-cases", "["},
		{"bench", "levin", "-ratio", "nope"},
		{"bench", "levin", "-bogus"},
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
	if _, err := os.Stat(filepath.Join(testDataRoot, "levin")); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
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

func TestPresetAdjust(t *testing.T) {
	def := selfdeblur.Default(19)
	if def.Seed == 7 || def.Pick == selfdeblur.PickObjective {
		t.Fatalf("the test needs a preset that differs: seed %d pick %v", def.Seed, def.Pick)
	}
	if got := (presetAdjust{}).apply(def); got.Seed != def.Seed || got.Iterations != def.Iterations || got.Pick != def.Pick || got.PolishIterations != def.PolishIterations {
		t.Errorf("no flags changed the preset: seed %d iters %d pick %v polish %d", got.Seed, got.Iterations, got.Pick, got.PolishIterations)
	}
	pick := selfdeblur.PickObjective
	got := presetAdjust{iters: 300, polish: 50, pick: &pick, seed: 7}.apply(def)
	if got.Seed != 7 || got.Iterations != 300 || got.Pick != selfdeblur.PickObjective || got.PolishIterations != 50 {
		t.Errorf("adjusted: seed %d iters %d pick %v polish %d", got.Seed, got.Iterations, got.Pick, got.PolishIterations)
	}
}

package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChartFromCSV(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "t.csv")
	os.WriteFile(in, []byte("config,seconds,psnr\na,50,33.2\nb,6616,34.3\na,80,33.6\nc,x,1\n"), 0o644)
	out := filepath.Join(dir, "c.png")
	var stderr bytes.Buffer
	env := &cliEnv{stdout: &stderr, stderr: &stderr}
	if code := mainWithArgs(env, []string{"chart", "-logx", "-o", out, in}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "2 series") {
		t.Errorf("stderr %q, want 2 series (c has no numeric point)", stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{"chart", filepath.Join(dir, "none.csv")}, {"chart", "-y", "nope", in}, {"chart"}} {
		var b bytes.Buffer
		env := &cliEnv{stdout: &b, stderr: &b}
		if code := mainWithArgs(env, bad); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

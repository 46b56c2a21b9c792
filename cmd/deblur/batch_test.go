package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/deblur/deblur/batch"
	"github.com/deblur/deblur/internal/dnnl"
	"github.com/deblur/deblur/internal/testfiles"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildCommand builds the command once for the tests that run it as a
// process (to kill it, or to limit its resources).
func buildCommand(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "deblur-test-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "deblur")
		args := []string{"build", "-o", builtBin}
		if dnnl.Available() { // the same convolutions, hence the same bits, as the test binary
			args = append(args, "-tags", "dnnl")
		}
		if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

func TestBatchUsage(t *testing.T) {
	in := testfiles.Path("levin", "im1_kernel1_img.png")
	out := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"batch", in}, "-o FOLDER is required"},
		{[]string{"batch", "-o", out}, "no inputs"},
		{[]string{"batch", "-o", out, "-j", "0", in}, "-j 0"},
		{[]string{"batch", "-o", out, "-shard", "3/3", in}, "index K"},
		{[]string{"batch", "-o", out, "-region", "0,0,9,9", in}, "-region"},
		{[]string{"batch", "-o", out, "-method", "l0", "-preset", "fast", in}, "-preset does not apply"},
		{[]string{"batch", "-o", out, "-iters", "-5", in}, "-iters -5"},
		{[]string{"batch", "-o", out, filepath.Join(out, "*.png")}, "no file matches"},
		{[]string{"batch", "-o", filepath.Join(in, "x"), in}, "-o"},
	} {
		code, _, stderr := runCLI(c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args[1:], code, stderr, c.want)
		}
	}
}

// TestBatchKilled kills a batch (SIGKILL) after its first image and runs
// it again: the finished image is not redone, the rest are done, no file
// is partial and no temporary file is left.
func TestBatchKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it twice")
	}
	dir := t.TempDir()
	bin := buildCommand(t)
	in := filepath.Join(dir, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"im1_kernel1_img.png", "im1_kernel4_img.png", "im2_kernel4_img.png", "im3_kernel6_img.png"}
	for _, n := range names {
		data, err := os.ReadFile(testfiles.Path("levin", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, n), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	args := []string{"batch", "-method", "l0", "-o", out, in}

	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "[1/4]") {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	io.Copy(io.Discard, stderr)
	cmd.Wait()
	if !killed {
		t.Fatal("the batch ended before its first image was reported")
	}
	// Finished before the kill: a complete report (an image being made
	// when the kill came has the report that claims its outputs).
	first := map[string]bool{}
	for _, n := range names {
		var rep struct{ Completed bool }
		if data, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(n, ".png")+".json")); err == nil && json.Unmarshal(data, &rep) == nil && rep.Completed {
			first[n] = true
		}
	}
	if len(first) == 0 || len(first) == len(names) {
		t.Fatalf("after the kill %d of %d images have reports; want some but not all", len(first), len(names))
	}

	res, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, res)
	}
	data, err := os.ReadFile(filepath.Join(out, batch.ManifestName(batch.Shard{})))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != len(names) {
		t.Fatalf("the rerun's manifest has %d records, want %d", len(lines), len(names))
	}
	for _, line := range lines {
		var r batch.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		want := batch.StatusDone
		if first[filepath.Base(r.Input)] {
			want = batch.StatusSkipped
		}
		if r.Status != want {
			t.Errorf("%s: %s after the rerun, want %s", r.Input, r.Status, want)
		}
	}
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		if err == nil && strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".jsonl") {
			var rep map[string]any
			if data, _ := os.ReadFile(p); json.Unmarshal(data, &rep) != nil {
				t.Errorf("%s is not a complete report", p)
			}
		}
		return nil
	})
}

// TestDiskFull writes an output that does not fit: the file-size limit
// (ulimit -f) makes every write past it fail as a full disk does. The run
// must fail with status 1 naming the output, leave no partial or temporary
// file, and leave the input as it was.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := buildCommand(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	orig, err := os.ReadFile(testfiles.Path("levin", "im1_kernel1_img.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	k := filepath.Join(dir, "k.json")
	if err := os.WriteFile(k, []byte(`{"kernel":{"values":[[0,1,0],[1,2,1],[0,1,0]]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	// 16 blocks of 512 or 1024 bytes: far less than the 255 x 255 image.
	cmd := exec.Command("sh", "-c", `ulimit -f 16 && exec "$0" "$@"`, bin, "deconv", "-kernel", k, "-method", "wiener", "-o", out, in)
	res, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(res), out) {
		t.Fatalf("deconv onto a full disk: %v, %q; want exit status 1 naming %s", err, res, out)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if n := e.Name(); n != "in.png" && n != "k.json" {
			t.Errorf("left behind: %s", n)
		}
	}
	if now, _ := os.ReadFile(in); !bytes.Equal(now, orig) {
		t.Error("the input changed")
	}
}

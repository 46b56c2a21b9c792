package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/l0"
)

// touch creates the files named (slash-separated, under dir) with content.
func touch(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rels(ins []Input) []string {
	var r []string
	for _, in := range ins {
		r = append(r, in.Rel)
	}
	return r
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "a.png", "b.JPG", "notes.txt", ".hidden.png", "sub/c.tif", "sub/deeper/d.jpeg",
		".git/e.png", "out/old.png", "other/x.txt")
	chdir(t, dir)
	cases := []struct {
		args      []string
		recursive bool
		want      []string
		err       string
	}{
		{args: []string{"."}, want: []string{"a.png", "b.JPG"}},
		{args: []string{"."}, recursive: true, want: []string{"a.png", "b.JPG", "sub/c.tif", "sub/deeper/d.jpeg"}},
		{args: []string{"sub"}, recursive: true, want: []string{"c.tif", "deeper/d.jpeg"}},
		{args: []string{"*.png", "a.png", "notes.txt"}, want: []string{"a.png", "notes.txt"}},
		{args: []string{"sub/*/*.jpeg"}, want: []string{"d.jpeg"}},
		{args: []string{"*.gif"}, err: "no file matches"},
		{args: []string{"missing.png"}, err: "no such file"},
		{args: []string{"other"}, err: "no input images"},
		{args: []string{"a.png", "sub/deeper/d.jpeg", "out/old.png"}, want: []string{"a.png", "d.jpeg", "old.png"}},
	}
	for _, c := range cases {
		got, err := Find(c.args, c.recursive, "out")
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Find(%v): error %v, want one containing %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Find(%v): %v", c.args, err)
			continue
		}
		if !slices.Equal(rels(got), c.want) {
			t.Errorf("Find(%v, recursive %v) = %v, want %v", c.args, c.recursive, rels(got), c.want)
		}
	}
	touch(t, dir, "sub/a.jpg")
	if _, err := Find([]string{".", "sub"}, false, ""); err == nil || !strings.Contains(err.Error(), "same outputs") {
		t.Errorf("a.png and sub/a.jpg into one folder: error %v, want a clash", err)
	}
	// Without an output folder to skip, out/old.png is an input; a.png and
	// sub/a.jpg are in different folders and do not clash.
	if got, err := Find([]string{"."}, true, ""); err != nil || !slices.Contains(rels(got), "out/old.png") {
		t.Errorf("Find(., recursive) without an output folder = %v, %v", rels(got), err)
	}
}

// chdir changes the working directory for the test.
func chdir(t *testing.T, dir string) {
	t.Helper()
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}

func TestShard(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, c := range []struct {
		s, env string
		want   Shard
		err    bool
	}{
		{s: "0/4", want: Shard{0, 4}}, {s: "3/4", want: Shard{3, 4}}, {s: "4", env: "2", want: Shard{2, 4}},
		{s: "1/1", env: "", err: true}, {s: "4/4", err: true}, {s: "-1/4", err: true}, {s: "0/0", err: true},
		{s: "4", err: true}, {s: "x/2", err: true}, {s: "1/x", err: true}, {s: "5", env: "5", err: true},
	} {
		got, err := ParseShard(c.s, env(c.env))
		if (err != nil) != c.err || (err == nil && got != c.want) {
			t.Errorf("ParseShard(%q, JOB_COMPLETION_INDEX=%q) = %v, %v; want %v, error %v", c.s, c.env, got, err, c.want, c.err)
		}
	}
	// Every input in exactly one of N shards, and each shard a fair part.
	const n, inputs = 3, 300
	count := make([]int, n)
	for i := range inputs {
		in := Input{Rel: fmt.Sprintf("dir/img%04d.jpg", i)}
		owners := 0
		for k := range n {
			if (Shard{k, n}).Has(in) {
				owners++
				count[k]++
			}
		}
		if owners != 1 {
			t.Fatalf("%s is in %d shards of %d", in.Rel, owners, n)
		}
	}
	for k, c := range count {
		if c < inputs/n/2 {
			t.Errorf("shard %d/%d has %d of %d inputs", k, n, c, inputs)
		}
	}
}

// writeCrop writes a size x size crop of a shipped Levin image to path.
func writeCrop(t *testing.T, path string, x0, size int) {
	t.Helper()
	img, err := imageio.ReadImage(testfiles.Path("levin", "im1_kernel1_img.png"), imageio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	crop := image.NewGray(image.Rect(0, 0, size, size))
	draw.Draw(crop, crop.Bounds(), img, image.Pt(x0, 40), draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, crop); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readManifest(t *testing.T, path string) map[string]Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs := map[string]Record{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("manifest line %q: %v", sc.Text(), err)
		}
		recs[filepath.Base(r.Input)] = r
	}
	return recs
}

func statuses(recs map[string]Record) string {
	var s []string
	for k, r := range recs {
		s = append(s, k+":"+r.Status)
	}
	slices.Sort(s)
	return strings.Join(s, " ")
}

// TestRunResume runs a small batch with the classical method, then reruns
// it after the ways a batch is disturbed: nothing finished is redone,
// everything stale is.
func TestRunResume(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	writeCrop(t, filepath.Join(in, "a.png"), 20, 96)
	writeCrop(t, filepath.Join(in, "sub", "b.png"), 120, 96)
	touch(t, in, "bad.png")
	inputs, err := Find([]string{in}, true, out)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{OutDir: out, Options: deblur.Options{Method: l0.Estimator{}}, Settings: "test"}
	manifest := filepath.Join(out, ManifestName(Shard{}))
	run := func(want string) map[string]Record {
		t.Helper()
		var updates int
		sum, err := Run(context.Background(), inputs, cfg, manifest, func(u Update) {
			updates++
			if u.Total != len(inputs) || u.Finished != updates {
				t.Errorf("update %d: finished %d of %d", updates, u.Finished, u.Total)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		recs := readManifest(t, manifest)
		if got := statuses(recs); got != want {
			t.Fatalf("statuses %s, want %s", got, want)
		}
		if sum.OK() || sum.Failed != 1 || updates != 3 {
			t.Errorf("summary %+v after %d updates: want bad.png failed", sum, updates)
		}
		return recs
	}
	recs := run("a.png:done b.png:done bad.png:failed")
	if r := recs["bad.png"]; !strings.Contains(r.Error, "not an image") || r.Outputs != nil {
		t.Errorf("bad.png's record %+v: want the decoder's error and no outputs", r)
	}
	a := recs["a.png"]
	if a.KernelWidth < 3 || a.InputSHA256 == "" || a.SettingsHash != cfg.SettingsHash() {
		t.Errorf("a.png's record %+v", a)
	}
	for _, p := range []string{"a.png", "a-kernel.png", "a.json", "sub/b.png", "sub/b-kernel.png", "sub/b.json"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("output: %v", err)
		}
	}
	aImage, err := os.ReadFile(a.Outputs["image"])
	if err != nil {
		t.Fatal(err)
	}

	// Nothing redone.
	run("a.png:skipped b.png:skipped bad.png:failed")

	// A run killed after writing b's image but before its final report
	// (the claim is there, not complete), with a temporary file left
	// behind; and a.png's input changed.
	bReport := filepath.Join(out, "sub", "b.json")
	data, err := os.ReadFile(bReport)
	if err != nil {
		t.Fatal(err)
	}
	var claim deblur.Report
	if err := json.Unmarshal(data, &claim); err != nil {
		t.Fatal(err)
	}
	claim.Completed = false
	if data, err = json.Marshal(claim); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bReport, data, 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "sub", ".b.png.tmp-12345")
	touch(t, filepath.Dir(stale), filepath.Base(stale))
	writeCrop(t, filepath.Join(in, "a.png"), 30, 96)
	run("a.png:done b.png:done bad.png:failed")
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if now, _ := os.ReadFile(a.Outputs["image"]); bytes.Equal(now, aImage) {
		t.Errorf("a.png changed but its output did not")
	}

	// Other settings redo everything.
	cfg.Options.Seed = 2
	run("a.png:done b.png:done bad.png:failed")
}

// TestSameAsOneRun checks that a batch's output is bit for bit the image
// deblur.Deblur gives for the same input and options, also with two
// images at once (which changes each one's share of the cores only).
func TestSameAsOneRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "c.png")
	writeCrop(t, in, 60, 96)
	img, err := imageio.ReadImage(in, imageio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	opts := deblur.Options{Method: l0.Estimator{}, Seed: 3}
	res, err := deblur.Deblur(context.Background(), img, &opts)
	if err != nil {
		t.Fatal(err)
	}
	want := encode(t, res.Image)
	inputs, err := Find([]string{in, in}, false, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, jobs := range []int{1, 2} {
		out := filepath.Join(dir, fmt.Sprint("out", jobs))
		cfg := &Config{OutDir: out, Options: opts, Jobs: jobs}
		if _, err := Run(context.Background(), inputs, cfg, filepath.Join(out, "m.jsonl"), nil); err != nil {
			t.Fatal(err)
		}
		got, err := imageio.ReadImage(filepath.Join(out, "c.png"), imageio.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(encode(t, got), want) {
			t.Errorf("-j %d: the batch's image differs from deblur.Deblur's", jobs)
		}
	}
}

func encode(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCancelAndInputSafety: a cancelled batch writes nothing and says
// interrupted; an output that would be its input is refused.
func TestCancelAndInputSafety(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "d.png")
	writeCrop(t, in, 10, 96)
	orig, _ := os.ReadFile(in)
	inputs, err := Find([]string{dir}, false, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "out")
	sum, err := Run(ctx, inputs, &Config{OutDir: out, Options: deblur.Options{Method: l0.Estimator{}}}, filepath.Join(out, "m.jsonl"), nil)
	if !errors.Is(err, context.Canceled) || sum.Done != 0 {
		t.Errorf("cancelled: %+v, %v", sum, err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 1 {
		t.Errorf("a cancelled batch left %d files, want only the manifest", len(ents))
	}

	// The output folder is the input's folder: d.png would be overwritten.
	rec := Process(context.Background(), inputs[0], &Config{OutDir: dir, Options: deblur.Options{Method: l0.Estimator{}}})
	if rec.Status != StatusFailed || !strings.Contains(rec.Error, "never overwritten") {
		t.Errorf("output onto the input: %+v", rec)
	}
	if now, _ := os.ReadFile(in); !bytes.Equal(now, orig) {
		t.Fatal("the input was changed")
	}

	// A file of the user's at an output path is kept unless Overwrite.
	mine := filepath.Join(out, "d.png")
	touch(t, out, "d.png")
	cfg := &Config{OutDir: out, Options: deblur.Options{Method: l0.Estimator{}}}
	if rec := Process(context.Background(), inputs[0], cfg); rec.Status != StatusFailed || !strings.Contains(rec.Error, "-overwrite") {
		t.Errorf("a foreign file at the output path: %+v", rec)
	}
	if data, _ := os.ReadFile(mine); string(data) != "d.png" {
		t.Errorf("the user's file was changed")
	}
	cfg.Overwrite = true
	if rec := Process(context.Background(), inputs[0], cfg); rec.Status != StatusDone {
		t.Errorf("with Overwrite: %+v", rec)
	}
}

// FuzzParseShard: any -shard text and JOB_COMPLETION_INDEX give a shard
// inside its count or an error.
func FuzzParseShard(f *testing.F) {
	for _, s := range [][2]string{{"0/4", ""}, {"4", "3"}, {"3/3", ""}, {"-1/2", ""}, {"9999999999999999999/1", ""}, {"2", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, s, env string) {
		sh, err := ParseShard(s, func(string) string { return env })
		if err == nil && (sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count) {
			t.Fatalf("ParseShard(%q, %q) = %+v", s, env, sh)
		}
	})
}

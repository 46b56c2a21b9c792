package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/deblur/deblur/batch"
	"github.com/deblur/deblur/imageio"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init() // the pipeline's workers run in this process (loopback)
	os.Exit(m.Run())
}

// writeCrop writes a 96 px crop of the shipped Levin image to path.
func writeCrop(t *testing.T, path string, x0 int) {
	t.Helper()
	img, err := imageio.ReadImage(filepath.Join("..", "..", "testdata", "levin", "im1_kernel1_img.png"), imageio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	crop := image.NewGray(image.Rect(0, 0, 96, 96))
	draw.Draw(crop, crop.Bounds(), img, image.Pt(x0, 50), draw.Src)
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

// TestPrism runs the pipeline on Beam's prism runner in this process and
// checks its outputs against deblur batch's work on one image
// (batch.Process), bit for bit, and its manifest.
func TestPrism(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	writeCrop(t, filepath.Join(in, "a.png"), 10)
	writeCrop(t, filepath.Join(in, "sub", "b.png"), 130)
	if err := os.WriteFile(filepath.Join(in, "bad.png"), []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	set := Settings{OutDir: filepath.Join(dir, "out"), Method: "l0", Seed: 4}
	p, s := beam.NewPipelineWithRoot()
	if _, err := Build(s, []string{in}, true, set); err != nil {
		t.Fatal(err)
	}
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatalf("prism: %v", err)
	}

	f, err := os.Open(filepath.Join(set.OutDir, "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	status := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r batch.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		status[filepath.Base(r.Input)] = r.Status
	}
	if status["a.png"] != "done" || status["b.png"] != "done" || status["bad.png"] != "failed" || len(status) != 3 {
		t.Fatalf("manifest statuses %v", status)
	}

	cfg, err := set.Config()
	if err != nil {
		t.Fatal(err)
	}
	cfg.OutDir = filepath.Join(dir, "one")
	for _, rel := range []string{"a.png", "sub/b.png"} {
		rec := batch.Process(context.Background(), batch.Input{Path: filepath.Join(in, rel), Rel: rel}, cfg)
		if rec.Status != "done" {
			t.Fatalf("%s alone: %+v", rel, rec)
		}
		want, err := os.ReadFile(filepath.Join(cfg.OutDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(set.OutDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the pipeline's image differs from the one-image run's", rel)
		}
	}
}

package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deblur/deblur/generator"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// writeDigits writes n 28x28 IDX images of bars at varied positions into
// dir, MNIST's file layout.
func writeDigits(t *testing.T, dir string, n int) {
	t.Helper()
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint32{0x803, uint32(n), 28, 28})
	for i := range n {
		img := make([]byte, 784)
		col := 6 + i%16
		for y := 4; y < 24; y++ {
			img[y*28+col], img[y*28+col+1] = 255, 200
		}
		b.Write(img)
	}
	if err := os.WriteFile(filepath.Join(dir, "t-images-idx3-ubyte"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

type trainJSON struct {
	Model   string
	Steps   int
	Samples int `json:"train_samples"`
	HeldOut int `json:"held_out_samples"`
	Train   *generator.VAELosses
	Held    *generator.VAELosses `json:"held_out"`
	GAN     *generator.GANResult
}

func loadWeights(t *testing.T, path string) generator.Model {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := generator.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTrainDigitVAEAndResume(t *testing.T) {
	dir := t.TempDir()
	writeDigits(t, dir, 60)
	out := filepath.Join(dir, "dv.dbw")
	tiny := []string{"-q", "-data", dir, "-latent", "2", "-widths", "2,3", "-batch", "8", "-seed", "4"}
	code, stdout, stderr := runCLI(append([]string{"train", "-steps", "6", "-out", out}, append(tiny, "digit-vae")...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res trainJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	if res.Model != "digit-vae" || res.Steps != 6 || res.Samples != 54 || res.HeldOut != 6 || res.Held == nil || !(res.Held.Loss > 0) {
		t.Errorf("summary %+v", res)
	}
	m, ok := loadWeights(t, out).(*generator.DigitVAE)
	if !ok || m.Config() != (generator.DigitVAEConfig{Latent: 2, Width1: 2, Width2: 3}) {
		t.Fatalf("weights: %T", m)
	}

	// 4 steps with a checkpoint, then resumed to 6: the same weights.
	ck, out2 := filepath.Join(dir, "dv.ck"), filepath.Join(dir, "dv2.dbw")
	if code, _, stderr := runCLI(append([]string{"train", "-steps", "4", "-checkpoint", ck, "-out", out2}, append(tiny, "digit-vae")...)...); code != 0 {
		t.Fatalf("first half: exit %d: %s", code, stderr)
	}
	resume := []string{"train", "-q", "-data", dir, "-steps", "6", "-checkpoint", ck, "-resume", "-out", out2, "digit-vae"}
	if code, _, stderr := runCLI(resume...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if !bytes.Equal(a, b) {
		t.Error("resumed run's weights differ from the uninterrupted run's")
	}
	// A resumed run keeps its settings; a conflicting flag is a usage error.
	if code, _, stderr := runCLI(append(resume, "-seed", "5")...); code != 2 || !strings.Contains(stderr, "-seed") {
		t.Errorf("resume with another seed: exit %d: %s", code, stderr)
	}
}

func TestTrainDCGANOnImageFolder(t *testing.T) {
	dir := t.TempDir()
	for i := range 6 {
		p := plane.New(24, 20)
		for j := range p.Pix {
			p.Pix[j] = 0.5 + 0.4*math.Sin(float64(j*(i+1))/17)
		}
		if err := imageio.WritePNG(filepath.Join(dir, string(rune('a'+i))+".png"), imageio.NewGray(p), imageio.Depth8); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "g.dbw")
	code, stdout, stderr := runCLI("train", "-data", dir, "-channels", "1", "-widths", "4,2,2,2", "-latent", "3",
		"-batch", "3", "-epochs", "2", "-out", out, "dcgan")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res trainJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Steps != 4 || res.GAN == nil || !(res.GAN.DLoss > 0) || !(res.GAN.GLoss > 0) || res.Samples != 6 {
		t.Errorf("summary %+v %+v", res, res.GAN)
	}
	if !strings.Contains(stderr, "train dcgan 4/4") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
	g, ok := loadWeights(t, out).(*generator.DCGAN)
	if !ok || g.Config().Channels != 1 || g.LatentDim() != 3 {
		t.Fatalf("weights: %T", g)
	}
}

func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ck")
	os.WriteFile(bad, []byte("DBW\x00garbage"), 0o644)
	for _, args := range [][]string{
		{"train"},
		{"train", "unet"},
		{"train", "digit-vae"},
		{"train", "-resume", "kernel-vae"},
		{"train", "-widths", "3,x", "kernel-vae"},
		{"train", "-widths", "3,4", "kernel-vae"},
		{"train", "-n", "1", "kernel-vae"},
		{"train", "-steps", "-1", "kernel-vae"},
		{"train", "-checkpoint", bad, "-resume", "kernel-vae"},
		{"train", "-data", dir, "digit-vae"},
		{"train", "-data", dir, "dcgan"},
		{"train", "-data", dir, "-size", "48", "dcgan"},
	} {
		if code, _, stderr := runCLI(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

func TestTrainKernelVAE(t *testing.T) {
	out := filepath.Join(t.TempDir(), "kv.dbw")
	code, stdout, stderr := runCLI("train", "-q", "-n", "30", "-steps", "3", "-batch", "5", "-latent", "2", "-widths", "2", "-out", out, "kernel-vae")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res trainJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Steps != 3 || res.Samples != 30 || res.HeldOut != 10 || res.Held == nil || !(res.Held.Recon > 0) {
		t.Errorf("summary %+v", res)
	}
	m, ok := loadWeights(t, out).(*generator.KernelVAE)
	if !ok || m.Config() != (generator.KernelVAEConfig{Latent: 2, Filters: 2}) {
		t.Fatalf("weights: %T", m)
	}
}

// TestTrainInterruptWritesResumableCheckpoint sends the running command
// SIGINT, as Ctrl-C does: it must stop with exit 1, say where the run is
// saved, leave no weights file, and a resumed run must end with the same
// weights as one never interrupted.
func TestTrainInterruptWritesResumableCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := buildCommand(t)
	dir := t.TempDir()
	writeDigits(t, dir, 60)
	ck := filepath.Join(dir, "run.ck")
	tiny := []string{"-q", "-data", dir, "-latent", "2", "-widths", "2,3", "-batch", "8", "-seed", "4"}

	cmd := exec.Command(bin, append([]string{"train", "-steps", "100000000", "-every", "20",
		"-checkpoint", ck, "-out", filepath.Join(dir, "never.dbw")}, append(tiny, "digit-vae")...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The periodic checkpoint shows that training is under way.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(ck); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no checkpoint after a minute of training")
		}
	}
	time.Sleep(100 * time.Millisecond) // mid-interval, not on a checkpoint step
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("after SIGINT: %v (want exit 1); stderr %q", err, stderr.String())
	}
	var step int
	if _, err := fmt.Sscanf(stderr.String()[strings.Index(stderr.String(), "interrupted at step"):], "interrupted at step %d", &step); err != nil || step <= 0 {
		t.Fatalf("stderr does not name the step: %q", stderr.String())
	}
	if !strings.Contains(stderr.String(), "-resume") {
		t.Errorf("stderr does not say how to continue: %q", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "never.dbw")); !os.IsNotExist(err) {
		t.Errorf("an interrupted run wrote its weights file: %v", err)
	}
	f, err := os.Open(ck)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := generator.ReadCheckpoint(f)
	f.Close()
	if err != nil || saved.Step != step {
		t.Fatalf("the checkpoint holds step %d (err %v); the run stopped at step %d", saved.Step, err, step)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// Resumed to step+3, and run uninterrupted to step+3: the same weights.
	total := strconv.Itoa(step + 3)
	resumed, straight := filepath.Join(dir, "resumed.dbw"), filepath.Join(dir, "straight.dbw")
	if code, _, e := runCLI("train", "-q", "-data", dir, "-steps", total, "-checkpoint", ck, "-resume", "-out", resumed, "digit-vae"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, e)
	}
	if code, _, e := runCLI(append([]string{"train", "-steps", total, "-out", straight}, append(tiny, "digit-vae")...)...); code != 0 {
		t.Fatalf("uninterrupted: exit %d: %s", code, e)
	}
	a, _ := os.ReadFile(resumed)
	b, _ := os.ReadFile(straight)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the run resumed after SIGINT at step %d ends with other weights than the uninterrupted run", step)
	}
}

// writeIDXSplit writes an MNIST-format split (PREFIX-images-idx3-ubyte and
// PREFIX-labels-idx1-ubyte) of n 28x28 images labelled i%3.
func writeIDXSplit(t *testing.T, dir, prefix string, n int) {
	t.Helper()
	var im, lb bytes.Buffer
	binary.Write(&im, binary.BigEndian, []uint32{0x803, uint32(n), 28, 28})
	binary.Write(&lb, binary.BigEndian, []uint32{0x801, uint32(n)})
	for i := range n {
		img := make([]byte, 784)
		for y := 6; y < 22; y++ {
			img[y*28+6+i%12] = 255
		}
		im.Write(img)
		lb.WriteByte(byte(i % 3))
	}
	for name, b := range map[string][]byte{prefix + "-images-idx3-ubyte": im.Bytes(), prefix + "-labels-idx1-ubyte": lb.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTrainDCGANOnIDXClasses: dcgan on a folder laid out as Fashion-MNIST
// is (train and t10k splits) trains on the training split's images of the
// labels -classes keeps, at 32 px; -classes needs labelled IDX files.
func TestTrainDCGANOnIDXClasses(t *testing.T) {
	dir := t.TempDir()
	writeIDXSplit(t, dir, "train", 20)
	writeIDXSplit(t, dir, "t10k", 5)
	out := filepath.Join(t.TempDir(), "g.dbw")
	code, stdout, stderr := runCLI("train", "-q", "-data", dir, "-classes", "1", "-size", "32", "-channels", "1",
		"-widths", "4,2,2,2", "-latent", "3", "-batch", "2", "-epochs", "1", "-out", out, "dcgan")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res trainJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Samples != 7 { // labels i%3 == 1 among the 20 training images
		t.Errorf("trained on %d images, want the 7 of class 1", res.Samples)
	}
	g, ok := loadWeights(t, out).(*generator.DCGAN)
	if !ok || g.Config().ImageSize() != 32 {
		t.Fatalf("weights: %T", g)
	}
	images := t.TempDir()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-data", dir, "-classes", "x"}, "-classes"},
		{[]string{"-data", images, "-classes", "1"}, "MNIST-format"},
		{[]string{"-data", dir, "-classes", "7"}, "no image of classes"},
	} {
		args := append(append([]string{"train", "-q", "-channels", "1", "-size", "32", "-widths", "4,2,2,2", "-batch", "2", "-epochs", "1", "-out", out}, c.args...), "dcgan")
		if code, _, stderr := runCLI(args...); code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 mentioning %q", c.args, code, stderr, c.msg)
		}
	}
}

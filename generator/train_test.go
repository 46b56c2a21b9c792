package generator

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/tensor"
)

// lineKernels returns n peak-1 kernels: short straight lines through the
// centre at varied angles and lengths (a stand-in for motion kernels).
func lineKernels(n int, seed uint64) *tensor.Tensor {
	rng := nn.NewRand(seed)
	out := tensor.New(n, 1, KernelSize, KernelSize)
	for i := range n {
		k := out.Data[i*784 : (i+1)*784]
		a, l := rng.Float64()*math.Pi, 3+rng.Float64()*10
		for s := -l / 2; s <= l/2; s += 0.25 {
			x, y := int(math.Round(14+s*math.Cos(a))), int(math.Round(14+s*math.Sin(a)))
			k[y*28+x] = 1
		}
	}
	return out
}

func weightsEqual(t *testing.T, what string, a, b Model) {
	t.Helper()
	pa, pb := savedTensors(a), savedTensors(b)
	for i := range pa {
		for j, v := range pa[i].T.Data {
			if pb[i].T.Data[j] != v {
				t.Fatalf("%s: %s[%d] = %v vs %v", what, pa[i].Name, j, pb[i].T.Data[j], v)
			}
		}
	}
}

func readCheckpoint(t *testing.T, path string) *Checkpoint {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := ReadCheckpoint(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// cancelAt returns a recorder that cancels the context once step k is done.
func cancelAt(k int, cancel context.CancelFunc) progress.Recorder {
	return progress.Func(func(p progress.Event) {
		if p.Iter == k {
			cancel()
		}
	})
}

// TestVAEResumeMatchesUninterrupted: a run cancelled after step 9 (with a
// scheduled checkpoint at step 4 on the way) and resumed from its
// checkpoint ends with exactly the weights of an uninterrupted run.
func TestVAEResumeMatchesUninterrupted(t *testing.T) {
	data := lineKernels(48, 1)
	cfg := KernelVAEConfig{Latent: 4, Filters: 3}
	opt := TrainOptions{Steps: 16, Batch: 8, LR: 1e-3, Seed: 5}
	full, _ := NewKernelVAE(cfg, nn.NewRand(1))
	res, err := TrainVAE(context.Background(), full, data, nil, opt)
	if err != nil || res.Steps != 16 {
		t.Fatalf("uninterrupted: %v, %d steps", err, res.Steps)
	}

	ckPath := filepath.Join(t.TempDir(), "ck.dbw")
	part, _ := NewKernelVAE(cfg, nn.NewRand(1))
	ctx, cancel := context.WithCancel(context.Background())
	o := opt
	o.Checkpoint, o.CheckpointEvery, o.Recorder = ckPath, 4, cancelAt(10, cancel)
	res, err = TrainVAE(ctx, part, data, nil, o)
	if !errors.Is(err, context.Canceled) || res.Steps != 10 {
		t.Fatalf("cancelled run: %v after %d steps", err, res.Steps)
	}
	ck := readCheckpoint(t, ckPath)
	if ck.Step != 10 || ck.Seed != 5 || ck.Batch != 8 || len(ck.Models) != 1 {
		t.Fatalf("checkpoint at step %d, seed %d, batch %d, %d models", ck.Step, ck.Seed, ck.Batch, len(ck.Models))
	}
	// A checkpoint also loads as plain weights.
	if m, err := Load(bytes.NewReader(mustRead(t, ckPath))); err != nil || m.Kind() != "kernel-vae" {
		t.Fatalf("Load of a checkpoint: %v", err)
	}
	// Resume into a differently initialised model: the checkpoint's
	// weights must replace its own.
	resumed, _ := NewKernelVAE(cfg, nn.NewRand(99))
	o = opt
	o.Resume = ck
	if _, err := TrainVAE(context.Background(), resumed, data, nil, o); err != nil {
		t.Fatal(err)
	}
	weightsEqual(t, "resumed vs uninterrupted", full, resumed)

	o.Seed = 6
	if _, err := TrainVAE(context.Background(), resumed, data, nil, o); err == nil {
		t.Error("resuming with another seed accepted")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGANResumeMatchesUninterrupted does the same for the DCGAN loop (two
// networks, two optimisers, running statistics), on a tiny network.
func TestGANResumeMatchesUninterrupted(t *testing.T) {
	cfg := tinyDCGAN(1)
	data := tensor.New(12, 1, 64, 64)
	nn.Uniform(nn.NewRand(2), data, 0, 1)
	opt := TrainOptions{Steps: 6, Batch: 4, LR: 2e-4, Seed: 3}
	newPair := func(seed uint64) (*DCGAN, *Discriminator) {
		rng := nn.NewRand(seed)
		g, _ := NewDCGAN(cfg, rng)
		d, _ := NewDiscriminator(cfg, rng)
		return g, d
	}
	g1, d1 := newPair(1)
	res, err := TrainGAN(context.Background(), g1, d1, data, opt)
	if err != nil || res.Steps != 6 || math.IsNaN(res.DLoss) || res.DLoss <= 0 || res.GLoss <= 0 {
		t.Fatalf("uninterrupted: %v, %+v", err, res)
	}
	ckPath := filepath.Join(t.TempDir(), "gan.dbw")
	g2, d2 := newPair(1)
	ctx, cancel := context.WithCancel(context.Background())
	o := opt
	o.Checkpoint, o.Recorder = ckPath, cancelAt(3, cancel)
	if _, err := TrainGAN(ctx, g2, d2, data, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	ck := readCheckpoint(t, ckPath)
	g3, d3 := newPair(7)
	o = opt
	o.Resume = ck
	if _, err := TrainGAN(context.Background(), g3, d3, data, o); err != nil {
		t.Fatal(err)
	}
	weightsEqual(t, "generator", g1, g3)
	weightsEqual(t, "discriminator", d1, d3)
	if _, err := TrainGAN(context.Background(), g3, d3, tensor.New(4, 3, 64, 64), opt); err == nil {
		t.Error("RGB data for a gray DCGAN accepted")
	}
}

// TestDigitVAELearns trains a narrow digit VAE briefly on synthetic
// strokes and requires the held-out loss to fall well below the untrained
// network's (the shipped model's test uses MNIST).
func TestDigitVAELearns(t *testing.T) {
	train, held := lineKernels(600, 3), lineKernels(200, 4) // strokes in [0, 1]
	m, _ := NewDigitVAE(DigitVAEConfig{Latent: 4, Width1: 4, Width2: 8}, nn.NewRand(1))
	before := EvalVAE(m, held, 1)
	res, err := TrainVAE(context.Background(), m, train, held, TrainOptions{Steps: 150, Batch: 16, LR: 3e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out loss %.1f -> %.1f (recon %.1f, KL %.2f); train %.1f", before.Loss, res.HeldOut.Loss, res.HeldOut.Recon, res.HeldOut.KL, res.Train.Loss)
	if !(res.HeldOut.Loss < 0.5*before.Loss) || math.Abs(res.HeldOut.Loss-(res.HeldOut.Recon+res.HeldOut.KL)) > 1e-3*res.HeldOut.Loss {
		t.Errorf("held-out loss %.1f after training, %.1f before", res.HeldOut.Loss, before.Loss)
	}
}

func TestTrainOptionsRejected(t *testing.T) {
	m, _ := NewKernelVAE(KernelVAEConfig{Latent: 2, Filters: 2}, nn.NewRand(1))
	data := lineKernels(4, 1)
	for _, o := range []TrainOptions{
		{Steps: 0, Batch: 2, LR: 1e-3},
		{Steps: 1, Batch: 5, LR: 1e-3},
		{Steps: 1, Batch: 2, LR: 0},
		{Steps: 1, Batch: 2, LR: math.NaN()},
		{Steps: 1, Batch: 2, LR: 1e-3, CheckpointEvery: -1},
	} {
		if _, err := TrainVAE(context.Background(), m, data, nil, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// TestDCGAN32: a DCGAN of 32x32 images makes images of that size, its
// discriminator takes them, it trains, and it survives a save and load;
// sizes other than 32 and 64 are refused.
func TestDCGAN32(t *testing.T) {
	cfg := tinyDCGAN(1)
	cfg.Size = 32
	rng := nn.NewRand(4)
	g, err := NewDCGAN(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDiscriminator(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	if sh := g.Forward(nil, randomLatent(5, 2, cfg.Latent)).Shape(); len(sh) != 4 || sh[0] != 2 || sh[1] != 1 || sh[2] != 32 || sh[3] != 32 {
		t.Fatalf("generator output %v, want [2 1 32 32]", sh)
	}
	data := tensor.New(8, 1, 32, 32)
	nn.Uniform(nn.NewRand(2), data, 0, 1)
	if sh := d.Forward(nil, data).Shape(); len(sh) != 2 || sh[0] != 8 || sh[1] != 1 {
		t.Fatalf("discriminator output %v, want [8 1]", sh)
	}
	res, err := TrainGAN(context.Background(), g, d, data, TrainOptions{Steps: 3, Batch: 4, LR: 2e-4, Seed: 3})
	if err != nil || res.Steps != 3 || !(res.DLoss > 0) || !(res.GLoss > 0) {
		t.Fatalf("training: %v, %+v", err, res)
	}
	if _, err := TrainGAN(context.Background(), g, d, tensor.New(8, 1, 64, 64), TrainOptions{Steps: 1, Batch: 4, Seed: 3}); err == nil {
		t.Error("64x64 data for a 32x32 DCGAN accepted")
	}
	var buf bytes.Buffer
	if err := Save(&buf, g); err != nil {
		t.Fatal(err)
	}
	m, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	back, ok := m.(*DCGAN)
	if !ok || back.Config() != cfg {
		t.Fatalf("loaded %T with %+v, want %+v", m, back.Config(), cfg)
	}
	weightsEqual(t, "32 px generator", g, back)
	for _, bad := range []int{16, 48, 128} {
		c := cfg
		c.Size = bad
		if _, err := NewDCGAN(c, rng); err == nil {
			t.Errorf("size %d accepted", bad)
		}
	}
}

package generator

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/deblur/deblur/nn"
)

// tinyModels returns one small model of every kind, with batch-norm
// running statistics moved away from their initial values.
func tinyModels(t testing.TB) []Model {
	t.Helper()
	rng := nn.NewRand(11)
	kv, err := NewKernelVAE(KernelVAEConfig{Latent: 3, Filters: 2}, rng)
	if err != nil {
		t.Fatal(err)
	}
	dv, err := NewDigitVAE(DigitVAEConfig{Latent: 2, Width1: 2, Width2: 3}, rng)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewDCGAN(DCGANConfig{Latent: 2, Channels: 1, Widths: [4]int{2, 2, 1, 1}}, rng)
	if err != nil {
		t.Fatal(err)
	}
	g.forward(nil, randomLatent(1, 3, 2), true)
	d, err := NewDiscriminator(g.Config(), rng)
	if err != nil {
		t.Fatal(err)
	}
	return []Model{kv, dv, g, d}
}

func saved(t testing.TB, m Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Save(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, m := range tinyModels(t) {
		data := saved(t, m)
		got, err := Load(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", m.Kind(), err)
		}
		if got.Kind() != m.Kind() || !sameConfig(got, m) {
			t.Fatalf("%s: loaded %s %+v", m.Kind(), got.Kind(), got.config())
		}
		want, have := savedTensors(m), savedTensors(got)
		if len(want) != len(have) {
			t.Fatalf("%s: %d tensors, want %d", m.Kind(), len(have), len(want))
		}
		for i := range want {
			if want[i].Name != have[i].Name || !equalShape(want[i].T.Shape(), have[i].T.Shape()) {
				t.Fatalf("%s: tensor %d %s %v, want %s %v", m.Kind(), i, have[i].Name, have[i].T.Shape(), want[i].Name, want[i].T.Shape())
			}
			for j, v := range want[i].T.Data {
				if have[i].T.Data[j] != v {
					t.Fatalf("%s: %s[%d] = %v, want %v", m.Kind(), want[i].Name, j, have[i].T.Data[j], v)
				}
			}
		}
		for _, p := range got.Params() {
			if p.T.RequiresGrad() {
				t.Fatalf("%s: loaded parameter %s is not frozen", m.Kind(), p.Name)
			}
		}
		// Saving the loaded model reproduces the file byte for byte.
		if !bytes.Equal(saved(t, got), data) {
			t.Errorf("%s: save(load(f)) differs from f", m.Kind())
		}
	}
}

// TestLoadRejectsDamage: every truncation and a flipped bit in every
// region of the file give an ErrFormat error (the test also fails on a
// panic).
func TestLoadRejectsDamage(t *testing.T) {
	for _, m := range tinyModels(t)[:3] {
		data := saved(t, m)
		for n := 0; n < len(data); n++ {
			if _, err := Load(bytes.NewReader(data[:n])); !errors.Is(err, ErrFormat) {
				t.Fatalf("%s truncated to %d of %d bytes: %v", m.Kind(), n, len(data), err)
			}
		}
		if _, err := Load(bytes.NewReader(append(append([]byte{}, data...), 0))); !errors.Is(err, ErrFormat) {
			t.Errorf("%s with a trailing byte: %v", m.Kind(), err)
		}
		for pos := 0; pos < len(data); pos += 1 + len(data)/97 {
			bad := append([]byte{}, data...)
			bad[pos] ^= 0x10
			if _, err := Load(bytes.NewReader(bad)); !errors.Is(err, ErrFormat) {
				t.Fatalf("%s with byte %d of %d flipped: %v", m.Kind(), pos, len(data), err)
			}
		}
	}
}

// rewrite returns a file with the same data as f and its JSON header
// replaced by edit(header), with a valid checksum: damage the checksum
// would not catch.
func rewrite(t *testing.T, f []byte, edit func(string) string) []byte {
	t.Helper()
	n := binary.LittleEndian.Uint32(f[8:])
	h := edit(string(f[12 : 12+n]))
	var b bytes.Buffer
	b.Write(f[:8])
	binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	b.WriteString(h)
	b.Write(f[12+n : len(f)-4])
	binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()))
	return b.Bytes()
}

func TestLoadRejectsBadHeaders(t *testing.T) {
	kv := tinyModels(t)[0]
	data := saved(t, kv)
	if _, err := Load(bytes.NewReader(rewrite(t, data, func(h string) string { return h }))); err != nil {
		t.Fatalf("an unchanged rewrite fails: %v", err)
	}
	for name, edit := range map[string]func(string) string{
		"unknown kind":   func(h string) string { return strings.Replace(h, `"kernel-vae"`, `"unet"`, 1) },
		"other config":   func(h string) string { return strings.Replace(h, `"filters":2`, `"filters":3`, 1) },
		"config range":   func(h string) string { return strings.Replace(h, `"filters":2`, `"filters":100000`, 1) },
		"unknown field":  func(h string) string { return strings.Replace(h, `"filters":2`, `"filters":2,"x":1`, 1) },
		"renamed tensor": func(h string) string { return strings.Replace(h, `enc.conv1.weight`, `enc.conv9.weight`, 1) },
		"bad shape":      func(h string) string { return strings.Replace(h, `[2,1,2,2]`, `[2,1,2,3]`, 1) },
		"no models":      func(string) string { return `{"models":[]}` },
		"not JSON":       func(string) string { return `{"models":` },
		"huge train": func(h string) string {
			return h[:len(h)-1] + `,"train":{"tensors":[{"name":"x","shape":[1000000,1000000]}]}}`
		},
	} {
		if _, err := Load(bytes.NewReader(rewrite(t, data, edit))); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := append([]byte{}, data...)
	binary.LittleEndian.PutUint32(bad[4:], 2)
	if _, err := Load(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version 2: %v", err)
	}
	if _, err := ReadCheckpoint(bytes.NewReader(data)); !errors.Is(err, ErrFormat) {
		t.Errorf("a weights file read as a checkpoint: %v", err)
	}
}

// FuzzLoad: no weight file, however damaged, makes Load or ReadCheckpoint
// panic; whatever loads has a name and parameters.
func FuzzLoad(f *testing.F) {
	for _, m := range tinyModels(f) {
		f.Add(saved(f, m))
	}
	f.Add([]byte("DBW1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := Load(bytes.NewReader(data)); err == nil && m == nil {
			t.Fatal("Load returned neither a model nor an error")
		}
		ReadCheckpoint(bytes.NewReader(data))
	})
}

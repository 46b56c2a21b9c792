package imageio

import (
	"image"
	"math"
	"path/filepath"
	"testing"

	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/plane"
)

func TestKernelImageAndReadKernel(t *testing.T) {
	k, _ := plane.FromSlice(3, 2, []float64{0, 0.1, 0.4, -0.2, 0.2, 0.1})
	img := KernelImage(k, 2)
	if img.Bounds() != image.Rect(0, 0, 6, 4) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	// Row 0 of the kernel: 0, 0.1/0.4*255 = 63.75 -> 64, 255; each doubled.
	wantRow0 := []uint8{0, 0, 64, 64, 255, 255}
	// Row 1: negative -> 0, 0.2/0.4 -> 127.5 -> 128, 64.
	wantRow1 := []uint8{0, 0, 128, 128, 64, 64}
	for y, want := range [][]uint8{wantRow0, wantRow0, wantRow1, wantRow1} {
		got := img.Pix[y*img.Stride : y*img.Stride+6]
		if string(got) != string(want) {
			t.Fatalf("row %d: got %v want %v", y, got, want)
		}
	}
	if z := KernelImage(plane.New(2, 2), 0); z.Bounds().Dx() != 2 || z.Pix[0] != 0 {
		t.Fatal("zero kernel")
	}

	path := filepath.Join(t.TempDir(), "k.png")
	if err := WriteKernelPNG(path, k, 1); err != nil {
		t.Fatal(err)
	}
	got, err := ReadKernel(path)
	if err != nil {
		t.Fatal(err)
	}
	// Levels 0, 64, 255, 0, 128, 64 normalised by their sum 511.
	want := []float64{0, 64, 255, 0, 128, 64}
	for i, v := range want {
		if math.Abs(got.Pix[i]-v/511) > 1e-15 {
			t.Fatalf("kernel sample %d: %v want %v", i, got.Pix[i], v/511)
		}
	}

	// A colour kernel is averaged over channels.
	r, _ := plane.FromSlice(2, 1, []float64{1, 0})
	g, _ := plane.FromSlice(2, 1, []float64{1, 0})
	b, _ := plane.FromSlice(2, 1, []float64{0, 1})
	im, _ := NewRGB(r, g, b)
	if err := WritePNG(path, im, Depth8); err != nil {
		t.Fatal(err)
	}
	got, err = ReadKernel(path)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Pix[0]-2.0/3) > 1e-15 || math.Abs(got.Pix[1]-1.0/3) > 1e-15 {
		t.Fatalf("colour kernel %v", got.Pix)
	}

	if err := WritePNG(path, NewGray(plane.New(3, 3)), Depth8); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKernel(path); err == nil {
		t.Fatal("all-zero kernel accepted")
	}
}

func TestBenchmarkData(t *testing.T) {
	im, err := Read(testfiles.Path("levin", "gt", "im1.png"))
	if err != nil {
		t.Fatal(err)
	}
	if !im.IsGray() || im.W() != 255 || im.H() != 255 {
		t.Fatalf("levin im1: %d channels %dx%d", len(im.Channels), im.W(), im.H())
	}
	for i, size := range []int{19, 17, 15, 27, 13, 21, 23, 23} {
		k, err := ReadKernel(testfiles.Path("levin", "gt", "kernel"+string(rune('1'+i))+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if k.W != size || k.H != size || math.Abs(k.Sum()-1) > 1e-12 {
			t.Fatalf("kernel %d: %dx%d sum %v", i+1, k.W, k.H, k.Sum())
		}
	}
	k, err := ReadKernel(filepath.Join(testfiles.Shared(t, "lai"), "kernels", "kernel_04.png"))
	if err != nil || k.W != 75 || math.Abs(k.Sum()-1) > 1e-12 {
		t.Fatalf("lai kernel 4: %v", err)
	}
	im, err = Read(filepath.Join(testfiles.Shared(t, "lai"), "sharp", "manmade_01.png"))
	if err != nil || len(im.Channels) != 3 || im.W() != 1024 || im.H() != 680 {
		t.Fatalf("lai manmade_01: %v", err)
	}
	im, err = Read(filepath.Join(testfiles.Shared(t, "real"), "fishes.jpg"))
	if err != nil || len(im.Channels) != 3 {
		t.Fatalf("fishes.jpg: %v", err)
	}
}

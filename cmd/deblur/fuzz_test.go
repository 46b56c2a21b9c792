package main

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseRegion: any -region text gives a rectangle with positive sides
// and a non-negative corner, or an error.
func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"", "whole", "10,20,30,40", "0,0,1,1", "1,2,3", "-1,0,5,5", "1,1,0,4", " 3, 4 ,5,6", "9999999999999999999,0,1,1", "9000000000000000000,0,9000000000000000000,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseRegion(s)
		if err != nil || (r.Empty() && (s == "" || s == "whole")) {
			return
		}
		if r.Min.X < 0 || r.Min.Y < 0 || r.Dx() < 1 || r.Dy() < 1 {
			t.Fatalf("parseRegion(%q) = %v", s, r)
		}
	})
}

// FuzzKernelFile: any kernel file (a run report or an image) gives a
// kernel that is finite, non-negative and sums to 1, or an error.
func FuzzKernelFile(f *testing.F) {
	f.Add([]byte(`{"kernel":{"width":2,"height":1,"values":[[0.25,0.75]]}}`), true)
	f.Add([]byte(`{"kernel":{"values":[[1,-1],[0,1]]}}`), true)
	f.Add([]byte(`{"kernel":{"values":[[0,0]]}}`), true)
	var buf bytes.Buffer
	g := image.NewGray(image.Rect(0, 0, 4, 2))
	g.Pix[1], g.Pix[6] = 200, 50
	png.Encode(&buf, g)
	f.Add(buf.Bytes(), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, report bool) {
		name := "k.png"
		if report {
			name = "k.json"
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		k, err := readKernelFile(p)
		if err != nil {
			return
		}
		sum := 0.0
		for _, v := range k.Pix {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("kernel value %v", v)
			}
			sum += v
		}
		if k.W < 1 || k.H < 1 || math.Abs(sum-1) > 1e-9 {
			t.Fatalf("%dx%d kernel summing to %v", k.W, k.H, sum)
		}
	})
}

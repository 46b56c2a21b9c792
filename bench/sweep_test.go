package bench

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"testing"
)

// TestRunSweep runs the blurry and true-kernel rows over two noise levels
// of two digits: the points come in level then method order, the blurry
// PSNR falls with the noise, and the CSV holds one row per point.
func TestRunSweep(t *testing.T) {
	dir := needData(t, "mnist")
	r := mnistRunner(t, 1)
	sw := Sweep{Name: "noise", Levels: []float64{0.01, 0.1}, Dataset: func(level float64) (*Dataset, error) {
		o := DefaultMNIST()
		o.N, o.Noise = 2, level
		return MNIST(dir, o)
	}}
	methods := []string{Blurry, KnownKernel + "+irls-circular"}
	pts, err := r.RunSweep(context.Background(), sw, methods, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 4 || pts[0].Level != 0.01 || pts[1].Method != methods[1] || pts[2].Level != 0.1 || pts[3].N != 2 {
		t.Fatalf("points %+v", pts)
	}
	if !(pts[2].PSNR < pts[0].PSNR) || !(pts[1].PSNR > pts[0].PSNR) {
		t.Errorf("blurry %.2f dB at 1 %%, %.2f dB at 10 %%; true kernel %.2f dB at 1 %%", pts[0].PSNR, pts[2].PSNR, pts[1].PSNR)
	}
	path := filepath.Join(r.OutDir, "sweep-noise.csv")
	if err := WriteSweepCSV(path, "noise", pts); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, path)
	if len(rows) != 5 || rows[0][0] != "noise" || rows[3][0] != "0.1" || rows[3][1] != Blurry {
		t.Errorf("csv %v", rows)
	}
	if v, _ := strconv.ParseFloat(rows[3][2], 64); math.Abs(v-pts[2].PSNR) > 1e-6 {
		t.Errorf("csv PSNR %v, point %v", rows[3][2], pts[2].PSNR)
	}
	if got := sw.Dir("out", 0.1); got != filepath.Join("out", "sweep-noise", "0.1") {
		t.Errorf("level folder %q", got)
	}
	if _, err := r.RunSweep(context.Background(), Sweep{Name: "x"}, methods, Options{}); err == nil {
		t.Error("empty sweep accepted")
	}
}

package bench

import (
	"math"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

func flatCase(name string, v float64) Case {
	return Case{Name: name, load: func() (*Sample, error) {
		p := plane.New(40, 30)
		for i := range p.Pix {
			p.Pix[i] = v
		}
		return &Sample{Blurry: imageio.NewGray(p), Sharp: imageio.NewGray(p.Clone()), Kernel: plane.New(1, 1)}, nil
	}}
}

// TestDegrade: the noise has the asked standard deviation, is the same on
// every load and differs between cases; JPEG changes the samples; the
// name says what was added; bad settings are refused.
func TestDegrade(t *testing.T) {
	d := &Dataset{Name: "levin", cases: []Case{flatCase("a", 0.5), flatCase("b", 0.5)}}
	g := Degradation{Noise: 0.03}
	dd, err := Degrade(d, g)
	if err != nil {
		t.Fatal(err)
	}
	if dd.Name != "levin-noise0.03" {
		t.Errorf("name %q", dd.Name)
	}
	load := func(ds *Dataset, i int) *plane.Plane {
		s, err := ds.Cases()[i].Load()
		if err != nil {
			t.Fatal(err)
		}
		return s.Blurry.Channels[0]
	}
	a, a2, b := load(dd, 0), load(dd, 0), load(dd, 1)
	var sum, sq float64
	same := true
	for i, v := range a.Pix {
		if v != a2.Pix[i] {
			t.Fatal("two loads of a case differ")
		}
		if v != b.Pix[i] {
			same = false
		}
		if q := v * 255; math.Abs(q-math.Round(q)) > 1e-9 {
			t.Fatalf("sample %v is not 8-bit", v)
		}
		sum += v - 0.5
		sq += (v - 0.5) * (v - 0.5)
	}
	n := float64(len(a.Pix))
	if sd := math.Sqrt(sq/n - (sum/n)*(sum/n)); math.Abs(sd-0.03) > 0.003 {
		t.Errorf("noise standard deviation %.4f, want 0.03", sd)
	}
	if same {
		t.Error("two cases got the same noise")
	}

	dj, err := Degrade(d, Degradation{Noise: 0.03, JPEG: 20})
	if err != nil || dj.Name != "levin-noise0.03-jpeg20" {
		t.Fatalf("%v %v", dj, err)
	}
	j := load(dj, 0)
	diff := 0.0
	for i, v := range j.Pix {
		diff += math.Abs(v - a.Pix[i])
	}
	if diff == 0 {
		t.Error("the JPEG round trip changed nothing")
	}
	if same, _ := Degrade(d, Degradation{}); same != d {
		t.Error("the zero Degradation made a new dataset")
	}
	for _, bad := range []Degradation{{Noise: -0.1}, {Noise: math.NaN()}, {Noise: 0.6}, {JPEG: -1}, {JPEG: 101}} {
		if _, err := Degrade(d, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

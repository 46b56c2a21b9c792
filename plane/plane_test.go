package plane

import "testing"

func TestCropRotNormalize(t *testing.T) {
	p := New(3, 2)
	for i := range p.Pix {
		p.Pix[i] = float64(i + 1)
	}
	c := p.Crop(1, 0, 2, 2)
	if c.At(0, 0) != 2 || c.At(1, 1) != 6 {
		t.Fatalf("crop got %v", c.Pix)
	}
	r := p.Rot180()
	if r.At(0, 0) != 6 || r.At(2, 1) != 1 {
		t.Fatalf("rot180 got %v", r.Pix)
	}
	if err := p.Normalize(); err != nil || p.Sum() < 0.999999 || p.Sum() > 1.000001 {
		t.Fatalf("normalize: %v sum %v", err, p.Sum())
	}
	z := New(2, 2)
	if err := z.Normalize(); err == nil {
		t.Fatal("normalising a zero plane should fail")
	}
	if _, err := FromSlice(2, 2, make([]float64, 3)); err == nil {
		t.Fatal("FromSlice accepted a wrong length")
	}
}

func TestShrinkAveragesBlocks(t *testing.T) {
	p := New(5, 4)
	for i := range p.Pix {
		p.Pix[i] = float64(i)
	}
	q := p.Shrink(2)
	want := []float64{3, 5, 13, 15} // (0+1+5+6)/4, (2+3+7+8)/4, ...
	if q.W != 2 || q.H != 2 {
		t.Fatalf("size %dx%d, want 2x2", q.W, q.H)
	}
	for i, v := range want {
		if q.Pix[i] != v {
			t.Errorf("pixel %d = %v, want %v", i, q.Pix[i], v)
		}
	}
	if p.Shrink(1) != p {
		t.Error("factor 1 should return the plane itself")
	}
}

func TestTileMirror(t *testing.T) {
	p, _ := FromSlice(2, 2, []float64{1, 2, 3, 4})
	q := p.TileMirror(5, 3)
	want := []float64{1, 2, 2, 1, 1, 3, 4, 4, 3, 3, 3, 4, 4, 3, 3}
	for i, v := range want {
		if q.Pix[i] != v {
			t.Fatalf("tiled %v, want %v", q.Pix, want)
		}
	}
}

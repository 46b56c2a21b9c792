package selfdeblur

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// golden is the reference computed by the authors' PyTorch networks
// (../shared/data/golden/README.md).
type golden struct {
	H, W, K int
	Scalars struct {
		MSE          float64   `json:"mse"`
		OneMinusSSIM float64   `json:"one_minus_ssim"`
		Loss         float64   `json:"loss"`
		AdamLosses   []float64 `json:"adam_losses"`
	}
	Tensors []struct {
		Name   string
		Shape  []int
		Offset int
		Count  int
	}
	values map[string][]float32
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "golden")
	js, err := os.ReadFile(filepath.Join(dir, "selfdeblur_small.json"))
	if err != nil {
		t.Skipf("golden data not available: %v", err)
	}
	bin, err := os.ReadFile(filepath.Join(dir, "selfdeblur_small.bin"))
	if err != nil {
		t.Fatal(err)
	}
	g := &golden{values: map[string][]float32{}}
	if err := json.Unmarshal(js, g); err != nil {
		t.Fatal(err)
	}
	for _, e := range g.Tensors {
		v := make([]float32, e.Count)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(bin[e.Offset+4*i:]))
		}
		g.values[e.Name] = v
	}
	return g
}

// relErr is ||a - b|| / ||b||.
func relErr(a, b []float32) float64 {
	var d, n float64
	for i := range b {
		d += math.Pow(float64(a[i]-b[i]), 2)
		n += math.Pow(float64(b[i]), 2)
	}
	return math.Sqrt(d / n)
}

func norm(a []float32) float64 {
	s := 0.0
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// goldenNets builds the narrow Gx and Gk of the golden reference and loads
// its weights.
func goldenNets(t *testing.T, g *golden) (*Skip, *FCN, []nn.Param) {
	cfg := UniformSkip(16, 4)
	gx, err := NewSkip(nn.NewRand(1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	gk, err := NewFCN(nn.NewRand(2), 200, g.K, 1000)
	if err != nil {
		t.Fatal(err)
	}
	params := append(gx.Params(), gk.Params()...)
	for _, p := range params {
		v, ok := g.values["param."+p.Name]
		if !ok || len(v) != p.T.Len() {
			t.Fatalf("golden has no parameter %s of %d values", p.Name, p.T.Len())
		}
		copy(p.T.Data, v)
	}
	n := 0
	for name := range g.values {
		if strings.HasPrefix(name, "param.") {
			n++
		}
	}
	if n != len(params) {
		t.Fatalf("golden has %d parameters, networks have %d", n, len(params))
	}
	return gx, gk, params
}

// structurallyZero reports parameters whose true gradient is exactly zero:
// a bias right before a batch norm (and theta's bias, whose effect is
// constant per channel before one) is cancelled by the normalisation. The
// reference's values for these are float round-off (~1e-9).
func structurallyZero(name string) bool {
	if !strings.HasSuffix(name, ".bias") {
		return false
	}
	for _, s := range []string{"skip.conv.", "down.conv_s2.", "down.conv.", "join.conv3x3.", "join.conv1x1.", "W.conv.", "theta.", "W.bn."} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

func TestGoldenSelfDeblur(t *testing.T) {
	g := loadGolden(t)
	gx, gk, params := goldenNets(t, g)
	zx := tensor.FromData(g.values["input.zx"], 1, 8, g.H+g.K-1, g.W+g.K-1)
	zk := tensor.FromData(g.values["input.zk"], 1, 200)
	y := tensor.FromData(g.values["input.y"], 1, 1, g.H, g.W)
	forward := func(tp *tensor.Tape) (x, k, yhat, mse, ssim, loss *tensor.Tensor) {
		x = gx.Forward(tp, zx)
		k = gk.Forward(tp, zk)
		yhat = tensor.Conv2D(tp, x, k, nil, 1, 0)
		mse = tensor.MSE(tp, yhat, y)
		ssim = tensor.SSIMLoss(tp, yhat, y)
		loss = tensor.Add(tp, mse, tensor.Scale(tp, ssim, 0.5))
		return
	}
	tp := tensor.NewTape()
	x, k, yhat, mse, ssim, loss := forward(tp)
	for _, c := range []struct {
		name string
		got  *tensor.Tensor
	}{{"out.x", x}, {"out.k", k}, {"out.yhat", yhat}} {
		if e := relErr(c.got.Data, g.values[c.name]); e > 1e-3 || math.IsNaN(e) {
			t.Errorf("%s: relative error %.2g", c.name, e)
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"mse", float64(mse.Item()), g.Scalars.MSE}, {"1-ssim", float64(ssim.Item()), g.Scalars.OneMinusSSIM}, {"loss", float64(loss.Item()), g.Scalars.Loss}} {
		if e := math.Abs(c.got-c.want) / math.Abs(c.want); e > 1e-3 || math.IsNaN(e) {
			t.Errorf("%s = %.7g, want %.7g (relative error %.2g)", c.name, c.got, c.want, e)
		}
	}
	if err := tp.Backward(loss); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for _, p := range params {
		want := g.values["grad."+p.Name]
		if structurallyZero(p.Name) {
			if n := norm(p.T.Grad); n > 1e-6 {
				t.Errorf("grad %s: norm %.2g, want ~0 (bias cancelled by batch norm)", p.Name, n)
			}
			continue
		}
		e := relErr(p.T.Grad, want)
		worst = math.Max(worst, e)
		if e > 1e-3 || math.IsNaN(e) {
			t.Errorf("grad %s: relative error %.2g (norm %.3g)", p.Name, e, norm(want))
		}
	}
	t.Logf("worst gradient relative error: %.2g", worst)

	// Three Adam steps on the same loss, lr 0.01 for Gx and 1e-4 for Gk.
	before := map[string][]float32{}
	for _, p := range params {
		before[p.Name] = append([]float32(nil), p.T.Data...)
	}
	opt := nn.NewAdam(nn.Group{Params: nn.Tensors(gx.Params()), LR: 0.01}, nn.Group{Params: nn.Tensors(gk.Params()), LR: 1e-4})
	losses := []float64{float64(loss.Item())}
	opt.Step(1)
	for step := 1; step <= 3; step++ {
		opt.ZeroGrad()
		tp.Reset()
		_, _, _, _, _, l := forward(tp)
		losses = append(losses, float64(l.Item()))
		if step < 3 {
			if err := tp.Backward(l); err != nil {
				t.Fatal(err)
			}
			opt.Step(1)
		}
	}
	for i, want := range g.Scalars.AdamLosses {
		if e := math.Abs(losses[i]-want) / want; e > 1e-3 {
			t.Errorf("loss before Adam step %d = %.7g, want %.7g", i+1, losses[i], want)
		}
	}
	worst = 0
	for _, p := range params {
		want := g.values["adam3."+p.Name]
		if structurallyZero(p.Name) {
			// Adam divides a round-off gradient by its own size, so the
			// reference's move has a sign set by float summation order;
			// check only that ours moved no more than 3 steps of lr.
			for i, v := range p.T.Data {
				if math.Abs(float64(v-before[p.Name][i])) > 3*0.01*1.001 {
					t.Errorf("adam3 %s[%d] moved %v", p.Name, i, v-before[p.Name][i])
					break
				}
			}
			continue
		}
		e := relErr(p.T.Data, want)
		worst = math.Max(worst, e)
		if e > 1e-3 || math.IsNaN(e) {
			t.Errorf("adam3 %s: relative error %.2g", p.Name, e)
		}
	}
	t.Logf("worst parameter relative error after 3 Adam steps: %.2g", worst)
}

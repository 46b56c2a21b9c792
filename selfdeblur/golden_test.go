package selfdeblur

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// golden is the reference computed by the authors' PyTorch networks
// (testdata/README.md).
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
	dir := testfiles.Path("golden")
	js, err := os.ReadFile(filepath.Join(dir, "selfdeblur_small.json"))
	if err != nil {
		t.Fatal(err)
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
	for _, s := range []string{"skip.conv.", "down.conv_s2.", "down.conv.", "join.bn.", "join.conv3x3.", "join.conv1x1.", "W.conv.", "theta.", "W.bn."} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// goldenRun evaluates the golden network on zx scaled elementwise by
// (1 + jitter * N(0,1)) (jitter 0: the reference input), returning the
// forward values, the loss, the gradients and the parameters after three
// Adam steps, plus the losses before each step and after the last.
type goldenRun struct {
	x, k, yhat      []float32
	mse, ssim, loss float64
	grads, adam3    map[string][]float32
	adamLosses      []float64
}

func runGolden(t *testing.T, g *golden, jitter float64, seed uint64) *goldenRun {
	gx, gk, params := goldenNets(t, g)
	rng := nn.NewRand(seed)
	zx := tensor.FromData(append([]float32(nil), g.values["input.zx"]...), 1, 8, g.H+g.K-1, g.W+g.K-1)
	for i := range zx.Data {
		zx.Data[i] *= float32(1 + jitter*rng.NormFloat64())
	}
	zk := tensor.FromData(g.values["input.zk"], 1, 200)
	y := tensor.FromData(g.values["input.y"], 1, 1, g.H, g.W)
	r := &goldenRun{grads: map[string][]float32{}, adam3: map[string][]float32{}}
	forward := func(tp *tensor.Tape) *tensor.Tensor {
		x := gx.Forward(tp, zx)
		k := gk.Forward(tp, zk)
		yhat := tensor.Conv2D(tp, x, k, nil, 1, 0)
		mse := tensor.MSE(tp, yhat, y)
		ssim := tensor.SSIMLoss(tp, yhat, y)
		loss := tensor.Add(tp, mse, tensor.Scale(tp, ssim, 0.5))
		if r.x == nil {
			r.x, r.k, r.yhat = x.Clone().Data, k.Clone().Data, yhat.Clone().Data
			r.mse, r.ssim, r.loss = float64(mse.Item()), float64(ssim.Item()), float64(loss.Item())
		}
		return loss
	}
	opt := nn.NewAdam(nn.Group{Params: nn.Tensors(gx.Params()), LR: 0.01}, nn.Group{Params: nn.Tensors(gk.Params()), LR: 1e-4})
	tp := tensor.NewTape()
	for step := 0; step <= 3; step++ {
		tp.Reset()
		opt.ZeroGrad()
		loss := forward(tp)
		r.adamLosses = append(r.adamLosses, float64(loss.Item()))
		if step == 3 {
			break
		}
		if err := tp.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			for _, p := range params {
				r.grads[p.Name] = append([]float32(nil), p.T.Grad...)
			}
		}
		opt.Step(1)
	}
	for _, p := range params {
		r.adam3[p.Name] = append([]float32(nil), p.T.Data...)
	}
	return r
}

// TestGoldenSelfDeblur reproduces the reference PyTorch computation.
//
// The forward pass (image, kernel, prediction, losses) is well conditioned
// and must match to 1e-3 (it does to ~1e-5). Most parameter gradients of
// this deliberately perturbed narrow network are not: batch norms over 2x2
// maps at level 5 and bias gradients that are sums of terms which cancel
// (a batch norm's input gradient sums to zero) amplify float32 round-off
// by 10^4-10^5, so a 1e-7 relative change of the input moves deep-layer
// gradients by ~0.1-1%, and so does running the same code on another GEMM
// backend. No float32 implementation can match those to 1e-3 without
// replaying PyTorch's exact summation order. The test therefore measures
// each tensor's own round-off sensitivity (two runs on inputs jittered by
// 1e-7) and requires agreement to max(1e-3, 10 x sensitivity); tensors that
// are well conditioned (output layer, kernel network) are held to 1e-3.
// After the first Adam step, round-off sign differences reach every tensor,
// so the losses after steps and the parameters after three steps use the
// measured-sensitivity tolerance too.
// Biases right before a batch norm have an exact zero gradient (the
// reference holds round-off); ours must be ~0 and, since Adam turns
// round-off into full-size steps of arbitrary sign, their Adam updates are
// only bounded by 3 x lr.
func TestGoldenSelfDeblur(t *testing.T) {
	g := loadGolden(t)
	base := runGolden(t, g, 0, 0)
	j1, j2 := runGolden(t, g, 1e-7, 1), runGolden(t, g, 1e-7, 2)
	sensitivity := func(m1, m2, m0 map[string][]float32, name string) float64 {
		return math.Max(relErr(m1[name], m0[name]), relErr(m2[name], m0[name]))
	}
	for _, c := range []struct {
		name string
		got  []float32
	}{{"out.x", base.x}, {"out.k", base.k}, {"out.yhat", base.yhat}} {
		e := relErr(c.got, g.values[c.name])
		t.Logf("%s: relative error %.2g", c.name, e)
		if e > 1e-3 || math.IsNaN(e) {
			t.Errorf("%s: relative error %.2g", c.name, e)
		}
	}
	type scalar struct {
		name           string
		got, want, tol float64
	}
	scalars := []scalar{{"mse", base.mse, g.Scalars.MSE, 1e-3}, {"1-ssim", base.ssim, g.Scalars.OneMinusSSIM, 1e-3}, {"loss", base.loss, g.Scalars.Loss, 1e-3}}
	for i, want := range g.Scalars.AdamLosses {
		jit := math.Max(math.Abs(j1.adamLosses[i]-base.adamLosses[i]), math.Abs(j2.adamLosses[i]-base.adamLosses[i])) / base.adamLosses[i]
		scalars = append(scalars, scalar{fmt.Sprintf("loss after %d Adam steps", i), base.adamLosses[i], want, math.Max(1e-3, 10*jit)})
	}
	for _, c := range scalars {
		if e := math.Abs(c.got-c.want) / math.Abs(c.want); e > c.tol || math.IsNaN(e) {
			t.Errorf("%s = %.7g, want %.7g (relative error %.2g, tolerance %.2g)", c.name, c.got, c.want, e, c.tol)
		}
	}
	var strictWorst, worstRatio float64
	check := func(kind string, got, jit1, jit2 map[string][]float32, prefix string, strict bool) {
		for name, v := range got {
			want := g.values[prefix+name]
			if structurallyZero(name) {
				continue
			}
			e := relErr(v, want)
			wellConditioned := strict && (strings.HasPrefix(name, "out.") || strings.HasPrefix(name, "k."))
			tol := 1e-3
			if !wellConditioned {
				tol = math.Max(tol, 10*sensitivity(jit1, jit2, got, name))
			} else {
				strictWorst = math.Max(strictWorst, e)
			}
			worstRatio = math.Max(worstRatio, e/tol)
			if e > tol || math.IsNaN(e) {
				t.Errorf("%s %s: relative error %.2g above tolerance %.2g", kind, name, e, tol)
			}
		}
	}
	check("grad", base.grads, j1.grads, j2.grads, "grad.", true)
	// After an Adam step every tensor inherits the round-off sign
	// differences of the ill-conditioned gradients, so none is strict.
	check("adam3", base.adam3, j1.adam3, j2.adam3, "adam3.", false)
	t.Logf("well-conditioned tensors: worst relative error %.2g; all tensors: worst error / tolerance %.2f", strictWorst, worstRatio)
	before := g.values
	for name, v := range base.grads {
		if !structurallyZero(name) {
			continue
		}
		if n := norm(v); n > 1e-6 {
			t.Errorf("grad %s: norm %.2g, want ~0 (bias cancelled by batch norm)", name, n)
		}
		for i, p := range base.adam3[name] {
			if math.Abs(float64(p-before["param."+name][i])) > 3*0.01*1.001 {
				t.Errorf("adam3 %s[%d] moved %v, more than 3 steps of lr", name, i, p-before["param."+name][i])
				break
			}
		}
	}
}

package deconv

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDevSweep is the tuning tool used to choose the defaults; it runs only
// when DEBLUR_SWEEP is set, e.g.
//
//	DEBLUR_SWEEP="irls lambda=3e-4 outer=4;hl lambda=1e-4 alpha=0.5" go test -run DevSweep -v ./deconv
//
// Each ';'-separated item is a method (wiener, hl, irls, or a name Lookup
// knows) and option=value pairs (zero means the default; reflect=1 and
// smooth=1 select those boundary models); it reports the mean aligned PSNR
// on 16 Levin images (kernels 1, 4, 6, 8), or on all 32 with
// DEBLUR_SWEEP_ALL=1.
func TestDevSweep(t *testing.T) {
	spec := os.Getenv("DEBLUR_SWEEP")
	if spec == "" {
		t.Skip()
	}
	cs := levinCases(t, all(4), []int{1, 4, 6, 8})
	if os.Getenv("DEBLUR_SWEEP_ALL") != "" {
		cs = levinCases(t, all(4), all(8))
	}
	for _, item := range strings.Split(spec, ";") {
		m := sweepMethod(t, item)
		mean, secs, _ := levinRun(t, cs, m)
		t.Logf("%s: mean %.3f dB  %.2f s/img", item, mean, secs)
	}
}

// sweepMethod returns the method described by a sweep item (see TestDevSweep).
func sweepMethod(tb testing.TB, item string) Deconvolver {
	f := strings.Fields(item)
	kv := map[string]float64{}
	for _, s := range f[1:] {
		a, b, _ := strings.Cut(s, "=")
		kv[a], _ = strconv.ParseFloat(b, 64)
	}
	var mdl Model
	if kv["reflect"] != 0 {
		mdl.Boundary = BoundaryReflect
	}
	if kv["smooth"] != 0 {
		mdl.Boundary = BoundarySmooth
	}
	switch f[0] {
	case "wiener":
		return Wiener{Lambda: kv["lambda"], Model: mdl}
	case "hl":
		return HyperLaplacian{Lambda: kv["lambda"], Alpha: kv["alpha"], Beta0: kv["beta0"],
			BetaMax: kv["betamax"], BetaRate: kv["rate"], Inner: int(kv["inner"]), CGIter: int(kv["cg"]), Model: mdl, Fill: int(kv["fill"])}
	case "irls":
		return IRLS{Lambda: kv["lambda"], Outer: int(kv["outer"]), CGIter: int(kv["cg"]),
			Tol: kv["tol"], Eps: kv["eps"], SecondOrder: kv["so"], InitLambda: kv["init"], Alpha: kv["alpha"], Model: mdl}
	}
	m, err := Lookup(f[0])
	if err != nil {
		tb.Fatalf("sweep: %v", err)
	}
	return m
}

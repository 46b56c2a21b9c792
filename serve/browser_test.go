package serve

import (
	"context"
	"flag"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite docs/img/web.png from the browser test")

// browser returns the path of a Chromium-family browser, or "".
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives the page in a headless Chromium as a person would:
// choose a photo, drag a region, pick settings, start, see the kernel
// appear while it runs, see the result and download it. With
// -update-screenshot it runs the shipped sample and rewrites the
// screenshots docs/img/web.png (halfway) and web-result.png (done):
//
//	go test ./serve -run Browser -update-screenshot
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short (-short)")
	}
	exe := browser()
	if exe == "" {
		t.Skip("needs a Chromium browser (scripts/setup installs Debian's chromium)")
	}
	_, ts := newTestServer(t, Config{})
	// A small synthetic photo and 200 iterations keep the test short; the
	// screenshot shows the shipped sample with the default iterations.
	photo, kernelSize, iters, wantWidth, limit := filepath.Join(t.TempDir(), "shaky.png"), "7", "200", "160", 90*time.Second
	if err := os.WriteFile(photo, testPNG(t, 160, 120), 0o644); err != nil {
		t.Fatal(err)
	}
	if *updateScreenshot {
		photo, kernelSize, iters, wantWidth, limit = filepath.Join("..", "samples", "blurry.png"), "15", "", "200", 10*time.Minute
	}
	photo, err := filepath.Abs(photo) // the browser reads the file by its absolute path
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 1000),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, limit)
	defer cancel()

	step := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	poll := func(what, expr string, timeout time.Duration) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Poll[string](expr, chromedp.WithPollingTimeout(timeout)))
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
		return v
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(sel)))
		if err != nil {
			t.Fatalf("browser: text of #%s: %v", sel, err)
		}
		return v
	}

	step("open the page", chromedp.Steps(chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("drop"))))
	step("choose a photo", chromedp.Steps(
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{photo}),
		chromedp.WaitVisible(chromedp.ID("picked")),
	))
	// Drag a region over the photo's left part with the mouse.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("canvas").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	if err != nil || len(box) != 4 {
		t.Fatalf("browser: canvas box %v: %v", box, err)
	}
	at := func(fx, fy float64) (float64, float64) { return box[0] + fx*box[2], box[1] + fy*box[3] }
	ax, ay := at(0.05, 0.1)
	bx, by := at(0.7, 0.9)
	if *updateScreenshot {
		ax, ay = at(0.02, 0.02)
		bx, by = at(0.98, 0.98)
	}
	step("drag a region", chromedp.Steps(
		chromedp.MouseEvent("mousePressed", ax, ay, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseMoved", (ax+bx)/2, (ay+by)/2, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseMoved", bx, by, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseReleased", bx, by, chromedp.ButtonLeft),
	))
	if region := text("region-text"); !strings.Contains(region, ",") {
		t.Errorf("the drag over %v chose no region: %q", box, region)
	}
	step("pick settings and start", chromedp.Steps(
		chromedp.SetValue(chromedp.ID("kernel_size"), kernelSize),
		chromedp.SetValue(chromedp.ID("iters"), iters),
		chromedp.Click(chromedp.ID("start")),
	))
	// The job starts, or the form says why not.
	if msg := poll("start", `(() => { const e = document.getElementById("form-error").textContent; return e ? "form error: " + e : (document.getElementById("running").hidden ? "" : "running"); })()`, 30*time.Second); msg != "running" {
		t.Fatalf("browser: the job did not start: %s", msg)
	}
	// The live kernel appears while the job runs.
	liveKernel := poll("live kernel", `document.getElementById("live-kernel").getAttribute("src") || ""`, 60*time.Second)
	if !strings.Contains(liveKernel, "/live/kernel.png") {
		t.Errorf("live kernel %q", liveKernel)
	}
	if *updateScreenshot {
		// The running page, halfway: progress, the live kernel and preview.
		poll("halfway", `(() => { const p = document.getElementById("live-preview"); return document.getElementById("bar").value >= 50 && p.getAttribute("src") && p.complete ? "yes" : ""; })()`, 5*time.Minute)
		screenshot(t, ctx, "web.png")
	}
	// Then the result, with its download link.
	step("result", chromedp.WaitVisible(chromedp.ID("result")))
	width := poll("result image", `String(document.getElementById("after").naturalWidth || "")`, 10*time.Second)
	state := text("job-state")
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("dl-image"), "href"))
	if err != nil {
		t.Fatalf("browser: download link: %v", err)
	}
	if width != wantWidth || !strings.HasPrefix(state, "done") || !strings.Contains(href.Value, "/image.png?download=1") {
		t.Errorf("result: image width %s, state %q, download %q", width, state, href.Value)
	}
	// The link downloads the deblurred image under the photo's name.
	resp, err := http.Get(ts.URL + href.Value)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	defer resp.Body.Close()
	img, err := png.Decode(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || strconv.Itoa(img.Bounds().Dx()) != wantWidth ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "-deblurred.png") {
		t.Errorf("download: status %d, %q, decode error %v", resp.StatusCode, resp.Header.Get("Content-Disposition"), err)
	}
	if *updateScreenshot {
		screenshot(t, ctx, "web-result.png")
	}
}

// screenshot writes the page as docs/img/name.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	data, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "img", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

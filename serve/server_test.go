package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPNG is a w x h textured gray PNG, blurred horizontally a little.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 0.0
			for d := range 5 {
				xx := x + d - 2
				v += float64(40 + 170*((max(xx, 0)/7+y/5)%2))
			}
			img.SetGray(x, y, color.Gray{Y: uint8(v / 5)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// newTestServer starts a server on a temporary folder.
func newTestServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.WorkDir == "" {
		cfg.WorkDir = t.TempDir()
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

// upload posts a job and returns the response.
func upload(t *testing.T, ts *httptest.Server, data []byte, fields map[string]string, hdr http.Header) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, err := mw.CreateFormFile("image", "photo.png")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", ts.URL+"/api/jobs", &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// submit posts a job that must be accepted and returns its ID.
func submit(t *testing.T, ts *httptest.Server, data []byte, fields map[string]string) string {
	t.Helper()
	res := upload(t, ts, data, fields, nil)
	defer res.Body.Close()
	var body struct {
		ID    string `json:"id"`
		Error string `json:"error"`
	}
	json.NewDecoder(res.Body).Decode(&body)
	if res.StatusCode != http.StatusAccepted || body.ID == "" {
		t.Fatalf("upload: status %d, %+v", res.StatusCode, body)
	}
	return body.ID
}

// follow reads a job's event stream to its end and returns the events'
// names and the final status.
func follow(t *testing.T, ctx context.Context, ts *httptest.Server, id string) ([]string, Status) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/jobs/"+id+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: content type %q", ct)
	}
	var names []string
	var last Status
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	name := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
			names = append(names, name)
		case strings.HasPrefix(line, "data: ") && (name == "status" || name == "end"):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &last); err != nil {
				t.Fatalf("event %s: %v", name, err)
			}
		}
		if name == "end" && line == "" {
			break
		}
	}
	return names, last
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil {
		json.NewDecoder(res.Body).Decode(v)
	}
	return res.StatusCode
}

// TestJobRoundTrip: upload, progress events with live images, the end,
// the results, the list, deletion.
func TestJobRoundTrip(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	id := submit(t, ts, testPNG(t, 96, 80), map[string]string{"method": "l0", "kernel_size": "9", "region": "4,4,80,70", "seed": "3"})
	names, st := follow(t, context.Background(), ts, id)
	if st.State != Done || st.Settings.KernelSize != 9 || len(st.Settings.Region) != 4 || st.Width != 96 {
		t.Fatalf("final status %+v (events %v)", st, names)
	}
	if !contains(names, "progress") || names[len(names)-1] != "end" {
		t.Errorf("events %v: want progress events and an end", names)
	}
	if st.Progress.Snapshot == 0 {
		t.Error("no live kernel or preview was made")
	}
	for _, f := range []string{"image.png", "kernel.png", "input.png", "live/kernel.png"} {
		res, err := http.Get(ts.URL + "/api/jobs/" + id + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || err != nil {
			t.Errorf("%s: status %d, %v", f, res.StatusCode, err)
			continue
		}
		if f == "image.png" && img.Bounds() != image.Rect(0, 0, 96, 80) {
			t.Errorf("image %v", img.Bounds())
		}
	}
	var rep struct {
		Method string `json:"method"`
		Input  string `json:"input"`
		Plan   struct {
			Region [4]int `json:"region"`
		} `json:"plan"`
	}
	if getJSON(t, ts.URL+"/api/jobs/"+id+"/report.json", &rep); rep.Method != "l0" || rep.Input != "photo.png" || rep.Plan.Region != [4]int{4, 4, 80, 70} {
		t.Errorf("report %+v", rep)
	}
	res, _ := http.Get(ts.URL + "/api/jobs/" + id + "/image.png?download=1")
	res.Body.Close()
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "photo-deblurred.png") {
		t.Errorf("download name %q", cd)
	}
	var list []Status
	if getJSON(t, ts.URL+"/api/jobs", &list); len(list) != 1 || list[0].ID != id {
		t.Errorf("list %+v", list)
	}
	// A rerun takes the input of the first job.
	id2 := submit(t, ts, nil, map[string]string{"from": id, "method": "l0", "kernel_size": "7"})
	if _, st2 := follow(t, context.Background(), ts, id2); st2.State != Done || st2.From != id || st2.Name != "photo.png" {
		t.Errorf("rerun: %+v", st2)
	}
	req, _ := http.NewRequest("DELETE", ts.URL+"/api/jobs/"+id, nil)
	res, _ = http.DefaultClient.Do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("delete: status %d", res.StatusCode)
	}
	if code := getJSON(t, ts.URL+"/api/jobs/"+id, nil); code != 404 {
		t.Errorf("deleted job: status %d", code)
	}
	if _, err := os.Stat(filepath.Join(s.cfg.WorkDir, "jobs", id)); !os.IsNotExist(err) {
		t.Errorf("deleted job's folder: %v", err)
	}
}

// TestBadRequests: every bad upload and setting gets the right status and
// a JSON message naming the problem, and no job is made.
func TestBadRequests(t *testing.T) {
	s, ts := newTestServer(t, Config{MaxUpload: 200_000, MaxPixels: 100 * 100})
	good := testPNG(t, 64, 64)
	for _, c := range []struct {
		name   string
		data   []byte
		fields map[string]string
		hdr    http.Header
		status int
		msg    string
	}{
		{"no image", nil, nil, nil, 400, "image"},
		{"not an image", []byte("hello"), nil, nil, 422, "not an image"},
		{"too large an upload", bytes.Repeat([]byte{1}, 300_000), nil, nil, 413, "larger than"},
		{"too many pixels", testPNG(t, 120, 100), nil, nil, 422, "too large"},
		{"bad method", good, map[string]string{"method": "magic"}, nil, 400, "method"},
		{"kernel size 2", good, map[string]string{"kernel_size": "2"}, nil, 400, "kernel_size"},
		{"kernel size text", good, map[string]string{"kernel_size": "big"}, nil, 400, "kernel_size"},
		{"negative iterations", good, map[string]string{"iters": "-1"}, nil, 400, "iters"},
		{"bad seed", good, map[string]string{"seed": "-4"}, nil, 400, "seed"},
		{"bad region", good, map[string]string{"region": "1,2,3"}, nil, 400, "region"},
		{"region outside", good, map[string]string{"region": "10,10,80,20"}, nil, 422, "region"},
		{"kernel larger than the image", good, map[string]string{"kernel_size": "101"}, nil, 422, "kernel"},
		{"unknown setting", good, map[string]string{"kernel-size": "9"}, nil, 400, `"kernel-size" is not a setting`},
		{"rerun of nothing", nil, map[string]string{"from": "0123456789abcdef0123456789abcdef"}, nil, 404, "from"},
		{"cross-origin", good, nil, http.Header{"Origin": {"http://evil.example"}}, 403, "cross-origin"},
	} {
		res := upload(t, ts, c.data, c.fields, c.hdr)
		var body struct{ Error string }
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != c.status || !strings.Contains(body.Error, c.msg) || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: status %d %q, want %d mentioning %q", c.name, res.StatusCode, body.Error, c.status, c.msg)
		}
	}
	if n := len(s.list()); n != 0 {
		t.Errorf("%d jobs made by bad requests", n)
	}
	entries, _ := os.ReadDir(filepath.Join(s.cfg.WorkDir, "jobs"))
	if len(entries) != 0 {
		t.Errorf("bad requests left %d folders", len(entries))
	}
	for _, path := range []string{"/api/jobs/nope", "/api/jobs/../../etc/passwd", "/api/jobs/0123456789abcdef0123456789abcdef/events", "/api/jobs/0123456789abcdef0123456789abcdef/job.json"} {
		if code := getJSON(t, ts.URL+path, nil); code != 404 {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}
}

// TestCancelRunning: DELETE stops a running job; it ends cancelled with no
// result files, and its stream ends.
func TestCancelRunning(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	id := submit(t, ts, testPNG(t, 64, 64), map[string]string{"iters": "100000", "kernel_size": "7"})
	done := make(chan Status)
	go func() {
		_, st := follow(t, context.Background(), ts, id)
		done <- st
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		var st Status
		getJSON(t, ts.URL+"/api/jobs/"+id, &st)
		if st.State == Running && st.Progress.Iter > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job never ran: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	req, _ := http.NewRequest("DELETE", ts.URL+"/api/jobs/"+id, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if st := <-done; st.State != Cancelled {
		t.Errorf("stream ended with %+v", st)
	}
	j := s.get(id)
	for _, f := range resultFiles {
		if _, err := os.Stat(filepath.Join(j.dir, f)); !os.IsNotExist(err) {
			t.Errorf("a cancelled job left %s", f)
		}
	}
}

// TestQueueAndManyClients: with one worker, jobs queue and all finish;
// fifty clients follow one job, half of them going away early, and the
// server keeps no subscriber once the job ends.
func TestQueueAndManyClients(t *testing.T) {
	s, ts := newTestServer(t, Config{Jobs: 1})
	var ids []string
	for i := range 3 {
		ids = append(ids, submit(t, ts, testPNG(t, 64+8*i, 64), map[string]string{"method": "l0", "kernel_size": "7"}))
	}
	var wg sync.WaitGroup
	states := make([]string, 50)
	for i := range 50 {
		wg.Go(func() {
			ctx := context.Background()
			if i%2 == 1 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 5*time.Millisecond)
				defer cancel()
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/jobs/"+ids[2]+"/events", nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return // went away before the answer
			}
			defer res.Body.Close()
			data, _ := io.ReadAll(res.Body)
			if strings.Contains(string(data), "event: end") {
				states[i] = "end"
			}
		})
	}
	for _, id := range ids {
		if _, st := follow(t, context.Background(), ts, id); st.State != Done {
			t.Errorf("job %s: %+v", id, st)
		}
	}
	wg.Wait()
	for i := 0; i < 50; i += 2 {
		if states[i] != "end" {
			t.Errorf("client %d did not see the end", i)
		}
	}
	for _, id := range ids {
		if j := s.get(id); len(j.subs) != 0 {
			t.Errorf("job %s keeps %d subscribers", id, len(j.subs))
		}
	}
}

// TestRestartAndExpiry: a job a previous server left running is marked
// failed; finished jobs older than the TTL are removed with their files.
func TestRestartAndExpiry(t *testing.T) {
	dir := t.TempDir()
	id := "0123456789abcdef0123456789abcdef"
	jdir := filepath.Join(dir, "jobs", id)
	os.MkdirAll(jdir, 0o755)
	now := time.Now()
	data, _ := json.Marshal(Status{ID: id, Name: "x.png", State: Running, Created: now, Started: &now})
	os.WriteFile(filepath.Join(jdir, "job.json"), data, 0o644)
	os.MkdirAll(filepath.Join(dir, "jobs", "not-a-job"), 0o755)
	s, err := New(Config{WorkDir: dir, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := s.get(id).status()
	if st.State != Failed || !strings.Contains(st.Error, "stopped") {
		t.Errorf("restarted job %+v", st)
	}
	s.expire(now.Add(30 * time.Minute))
	if s.get(id) == nil {
		t.Fatal("expired too early")
	}
	s.expire(now.Add(2 * time.Hour))
	if s.get(id) != nil {
		t.Error("not expired")
	}
	if _, err := os.Stat(jdir); !os.IsNotExist(err) {
		t.Errorf("expired job's folder: %v", err)
	}
}

// TestPage: the page and its files are served, with no outside resource.
func TestPage(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	for _, p := range []string{"/", "/static/app.js", "/static/style.css"} {
		res, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(body) < 100 {
			t.Errorf("%s: status %d, %d bytes", p, res.StatusCode, len(body))
		}
		if strings.Contains(string(body), "http://") || strings.Contains(string(body), "https://") {
			t.Errorf("%s refers to another site", p)
		}
	}
}

func TestDownloadName(t *testing.T) {
	for _, c := range [][3]string{{"photo.jpg", imageFile, "photo-deblurred.png"}, {"a.b.png", reportFile, "a.b-deblurred.json"}, {"", kernelFile, "image-deblurred-kernel.png"}} {
		if got := downloadName(c[0], c[1]); got != c[2] {
			t.Errorf("downloadName(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	_ = fmt.Sprint
}

// TestManyUploads: 50 uploads at once are all queued and run, the server
// answers meanwhile, and afterwards neither goroutines nor the heap have
// grown with them.
func TestManyUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 50 small jobs")
	}
	s, ts := newTestServer(t, Config{Jobs: 1})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	img := testPNG(t, 48, 48)
	ids := make([]string, 50)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() { ids[i] = submit(t, ts, img, map[string]string{"method": "l0", "kernel_size": "7"}) })
	}
	wg.Wait()
	res, err := http.Get(ts.URL + "/api/jobs")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/jobs under load: %v, %v", res, err)
	}
	res.Body.Close()
	for _, id := range ids {
		if _, st := follow(t, context.Background(), ts, id); st.State != Done {
			t.Errorf("job %s: %+v", id, st)
		}
	}
	for _, id := range ids {
		req, _ := http.NewRequest("DELETE", ts.URL+"/api/jobs/"+id, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}
	http.DefaultClient.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond) // let the handlers' goroutines end
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 64<<20 {
		t.Errorf("the heap grew by %d MB over 50 finished and deleted jobs", grown>>20)
	}
	if n := runtime.NumGoroutine(); n > goroutines+5 {
		t.Errorf("%d goroutines after the jobs, %d before", n, goroutines)
	}
	s.mu.Lock()
	kept := len(s.jobs)
	s.mu.Unlock()
	if kept != 0 {
		t.Errorf("%d jobs kept after deleting them all", kept)
	}
}

package serve

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzUpload posts arbitrary images and settings to the upload handler:
// every answer is 202 (the job then cancelled) or a 4xx with a JSON error
// message, never a 5xx or a panic.
func FuzzUpload(f *testing.F) {
	img := testPNG(f, 40, 40)
	f.Add(img, "", "", "", "", "")
	f.Add(img, "15", "50", "l0", "0,0,20,20", "7")
	f.Add(img, "2", "-1", "paper", "0,0,99,99", "x")
	f.Add([]byte("GIF89a"), "abc", "1e9", "selfdeblur", "1,2,3", "-5")
	f.Add([]byte{}, "31", "0", "deep-deblur", "whole", "18446744073709551616")
	s, err := New(Config{WorkDir: f.TempDir(), MaxPixels: 64 * 64, MaxUpload: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	h := s.Handler()
	f.Fuzz(func(t *testing.T, data []byte, kernelSize, iters, method, region, seed string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range map[string]string{"kernel_size": kernelSize, "iters": iters, "method": method, "region": region, "seed": seed} {
			if v != "" {
				mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("image", "photo.png")
		fw.Write(data)
		mw.Close()
		req := httptest.NewRequest("POST", "/api/jobs", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body struct {
			ID    string `json:"id"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("status %d, body %q: not JSON", rec.Code, rec.Body.String())
		}
		switch {
		case rec.Code == http.StatusAccepted && body.ID != "":
			del := httptest.NewRequest("DELETE", "/api/jobs/"+body.ID, nil)
			h.ServeHTTP(httptest.NewRecorder(), del)
		case rec.Code >= 400 && rec.Code < 500 && body.Error != "":
		default:
			t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
		}
	})
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/selfdeblur"
	"github.com/deblur/deblur/serve"
)

// TestValidationAcrossFrontEnds: one bad setting per row, given to the
// command line, to the Go API (deblur.NewPlan, which checks without
// deblurring) and to the web API, must be refused by each with a message
// naming the setting: exit status 2, an error wrapping deblur.ErrOptions
// or deblur.ErrImageSize, HTTP 400 or 422. A front end that cannot express
// the setting has an empty entry.
func TestValidationAcrossFrontEnds(t *testing.T) {
	in := filepath.Join(writeTestImages(t), "sharp.png") // 64 x 60 gray
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imageio.DecodeImage(bytes.NewReader(data), imageio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New(serve.Config{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	digits, err := pretrained.DigitVAE()
	if err != nil {
		t.Fatal(err)
	}
	kernels, err := pretrained.KernelVAE()
	if err != nil {
		t.Fatal(err)
	}
	deepDeblur := genprior.Estimator{Image: digits, Kernel: kernels}

	for _, c := range []struct {
		name string
		cli  []string // flags; the input and -o are added
		opt  *deblur.Options
		http map[string]string
		want []string // what the CLI, Go and HTTP messages must contain
	}{
		{"negative iterations", []string{"-iters", "-5"}, &deblur.Options{Method: selfdeblur.Estimator{Iterations: -5}},
			map[string]string{"iters": "-5"}, []string{"-iters", "Iterations", "iters"}},
		{"kernel size 2", []string{"-kernel-size", "2"}, &deblur.Options{KernelSize: 2},
			map[string]string{"kernel_size": "2"}, []string{"-kernel-size", "KernelSize", "kernel_size"}},
		{"kernel larger than the image", []string{"-kernel-size", "101"}, &deblur.Options{KernelSize: 101},
			map[string]string{"kernel_size": "101"}, []string{"kernel", "kernel", "kernel"}},
		{"region outside the image", []string{"-region", "50,40,40,40"}, &deblur.Options{Region: image.Rect(50, 40, 90, 80)},
			map[string]string{"region": "50,40,40,40"}, []string{"-region", "Region", "region"}},
		{"malformed region", []string{"-region", "1,2,3"}, nil,
			map[string]string{"region": "1,2,3"}, []string{"-region", "", "region"}},
		{"unknown method", []string{"-method", "magic"}, nil,
			map[string]string{"method": "magic"}, []string{"-method", "", "method"}},
		{"negative seed", []string{"-seed", "-4"}, nil,
			map[string]string{"seed": "-4"}, []string{"-seed", "", "seed"}},
		{"negative learning rate", []string{"-lr-kernel", "-1"}, &deblur.Options{Method: selfdeblur.Estimator{LRKernel: -1}},
			nil, []string{"-lr-kernel", "LRKernel", ""}},
		{"negative scale", []string{"-scale", "-1"}, &deblur.Options{Scale: -1},
			nil, []string{"-scale", "Scale", ""}},
		{"setting of another method", []string{"-method", "l0", "-preset", "fast"}, &deblur.Options{Method: deepDeblur, KernelSize: 9},
			map[string]string{"preset": "fast"}, []string{"-preset does not apply", "KernelSize", `"preset" is not a setting`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.png")
			code, _, stderr := runCLI(append(append([]string{"-q", "-o", out}, c.cli...), in)...)
			if code != 2 || !strings.Contains(stderr, c.want[0]) {
				t.Errorf("CLI %v: exit %d %q, want 2 naming %q", c.cli, code, stderr, c.want[0])
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("CLI %v wrote an output", c.cli)
			}
			if c.opt != nil {
				_, err := deblur.NewPlan(img, c.opt)
				if !(errors.Is(err, deblur.ErrOptions) || errors.Is(err, deblur.ErrImageSize)) || !strings.Contains(err.Error(), c.want[1]) {
					t.Errorf("Go %+v: %v, want ErrOptions or ErrImageSize naming %q", *c.opt, err, c.want[1])
				}
			}
			if c.http != nil {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				for k, v := range c.http {
					mw.WriteField(k, v)
				}
				fw, _ := mw.CreateFormFile("image", "sharp.png")
				fw.Write(data)
				mw.Close()
				req := httptest.NewRequest("POST", "/api/jobs", &b)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				var body struct{ Error string }
				json.NewDecoder(rec.Body).Decode(&body)
				if (rec.Code != 400 && rec.Code != 422) || !strings.Contains(body.Error, c.want[2]) {
					t.Errorf("HTTP %v: %d %q, want 400 or 422 naming %q", c.http, rec.Code, body.Error, c.want[2])
				}
			}
		})
	}
}

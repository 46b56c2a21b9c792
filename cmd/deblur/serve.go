package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/deblur/deblur/serve"
)

// runServe is "deblur serve": the local web app.
func runServe(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `ADDRESS` (host:port; loopback unless told otherwise)")
	workdir := fs.String("workdir", filepath.Join(os.TempDir(), "deblur-serve"), "`DIR` for uploads and results")
	jobs := fs.Int("jobs", 1, "jobs run at once `N` (the others queue)")
	maxUpload := fs.Int64("max-upload", 64, "largest upload in `MB`")
	maxPixels := fs.Int64("max-pixels", 50, "largest image in `MEGAPIXELS`")
	ttl := fs.Duration("ttl", 24*time.Hour, "finished jobs are removed after `DURATION`")
	quiet := fs.Bool("q", false, "quiet: no log of jobs")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur serve [-addr 127.0.0.1:8080] [-workdir DIR] [-jobs N]")
		fmt.Fprintln(w, "\nServes the web app: open the address in a browser, drop a photo, watch the kernel")
		fmt.Fprintln(w, "appear. The JSON API is documented in docs/web.md. Ctrl-C stops the server and")
		fmt.Fprintln(w, "cancels running jobs.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	if _, help, err := parseCommand(fs, args, 0, "no arguments"); help || err != nil {
		return err
	}
	if err := checkServeFlags(*addr, *jobs, *maxUpload, *maxPixels, *ttl); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", *addr, err)
	}
	cfg := serve.Config{WorkDir: *workdir, Jobs: *jobs, MaxUpload: *maxUpload << 20, MaxPixels: *maxPixels * 1_000_000, TTL: *ttl}
	if !*quiet {
		cfg.Logf = log.New(env.stderr, "", log.LstdFlags).Printf
	}
	srv, err := serve.New(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	fmt.Fprintf(env.stderr, "deblur serve: http://%s/ (work folder %s; Ctrl-C stops)\n", ln.Addr(), *workdir)
	err = hs.Serve(ln)
	srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// checkServeFlags validates the flags of "deblur serve" (usage errors).
func checkServeFlags(addr string, jobs int, maxUpload, maxPixels int64, ttl time.Duration) error {
	switch {
	case jobs < 1 || jobs > 64:
		return usagef("serve: -jobs %d: want 1 to 64", jobs)
	case maxUpload < 1 || maxUpload > 4096:
		return usagef("serve: -max-upload %d: want 1 to 4096 MB", maxUpload)
	case maxPixels < 1 || maxPixels > 1000:
		return usagef("serve: -max-pixels %d: want 1 to 1000 megapixels", maxPixels)
	case ttl < time.Minute:
		return usagef("serve: -ttl %v: want at least 1m", ttl)
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return usagef("serve: -addr %q: want host:port, e.g. 127.0.0.1:8080", addr)
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/deblur/deblur/batch"
)

// batchFlags are the options of deblur batch.
type batchFlags struct {
	methodFlags
	out       string
	recursive bool
	jobs      int
	shard     string
	quiet     bool
	overwrite bool
	maxPixels maxPixelsFlag
}

// batchMethodFlags are the method flags a batch takes: all but -region,
// whose rectangle belongs to one image.
func batchMethodFlags() []string {
	var names []string
	for _, s := range methodFlagTable {
		if s.name != "region" {
			names = append(names, s.name)
		}
	}
	return names
}

func runBatch(env *cliEnv, args []string) error {
	var f batchFlags
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.StringVar(&f.out, "o", "", "output `FOLDER` (required): each input's IMAGE.png, IMAGE-kernel.png and IMAGE.json under the path it has in its input folder, and manifest.jsonl")
	fs.BoolVar(&f.recursive, "r", false, "take the images of subfolders too")
	fs.IntVar(&f.jobs, "j", 1, "images `N` at once, the cores shared among them")
	fs.StringVar(&f.shard, "shard", "", "process only part `K/N` of the inputs (K from 0 to N-1), for array jobs; N alone takes K from JOB_COMPLETION_INDEX")
	fs.BoolVar(&f.quiet, "q", false, "quiet: no progress output")
	fs.BoolVar(&f.overwrite, "overwrite", false, "replace files at the output paths that no batch wrote (an input is never replaced)")
	defineMaxPixels(fs, &f.maxPixels)
	names := batchMethodFlags()
	defineMethodFlags(fs, &f.methodFlags, names...)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: deblur batch -o FOLDER [flags] INPUT...")
		fmt.Fprintln(w, "\nDeblurs every image that the inputs name (files, folders, patterns such as 'shots/*.jpg'),")
		fmt.Fprintln(w, "with the same flags as a single run. A failed image is recorded in the manifest and the batch")
		fmt.Fprintln(w, "goes on. A rerun skips the images whose outputs are there for the same input and settings,")
		fmt.Fprintln(w, "so an interrupted batch resumes. Exit status 0 when every image has its outputs, 1 otherwise.")
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return usageError{err}
	}
	cfg, shard, err := f.config(fs, pos)
	if err != nil {
		return err
	}
	all, err := batch.Find(pos, f.recursive, cfg.OutDir)
	if err != nil {
		return usageError{err}
	}
	var inputs []batch.Input
	for _, in := range all {
		if shard.Has(in) {
			inputs = append(inputs, in)
		}
	}
	manifest := filepath.Join(cfg.OutDir, batch.ManifestName(shard))
	if !f.quiet {
		part := ""
		if shard.Count > 1 {
			part = fmt.Sprintf(" (shard %s of %d inputs)", shard, len(all))
		}
		fmt.Fprintf(env.stderr, "batch: %d images%s, %d at a time, into %s\n", len(inputs), part, max(f.jobs, 1), cfg.OutDir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var progress func(batch.Update)
	if !f.quiet {
		progress = func(u batch.Update) { printBatchUpdate(env, u) }
	}
	sum, err := batch.Run(ctx, inputs, cfg, manifest, progress)
	if !f.quiet {
		fmt.Fprintf(env.stderr, "batch: %d done, %d skipped (already done), %d failed, %d interrupted; manifest %s\n",
			sum.Done, sum.Skipped, sum.Failed, sum.Interrupted, manifest)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted: rerun the same command to resume (finished images are kept)")
	case err != nil:
		return err
	case sum.Failed > 0:
		return fmt.Errorf("%d of %d images failed (their errors are in %s)", sum.Failed, len(inputs), manifest)
	}
	return nil
}

// config checks the flags and makes the batch's configuration.
func (f *batchFlags) config(fs *flag.FlagSet, pos []string) (*batch.Config, batch.Shard, error) {
	if f.out == "" {
		return nil, batch.Shard{}, usagef("batch: -o FOLDER is required")
	}
	if len(pos) == 0 {
		return nil, batch.Shard{}, usagef("batch: no inputs: give image files, folders or patterns")
	}
	if f.jobs < 1 {
		return nil, batch.Shard{}, usagef("-j %d: must be at least 1", f.jobs)
	}
	var shard batch.Shard
	if f.shard != "" {
		var err error
		if shard, err = batch.ParseShard(f.shard, os.Getenv); err != nil {
			return nil, batch.Shard{}, usagef("-%v", err)
		}
	}
	opts, err := f.options(fs)
	if err != nil {
		return nil, batch.Shard{}, err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return nil, batch.Shard{}, usagef("-o %s: %v", f.out, err)
	}
	if err := checkWritable(filepath.Join(f.out, "x")); err != nil {
		return nil, batch.Shard{}, usagef("-o %s: %v", f.out, err)
	}
	return &batch.Config{OutDir: f.out, Options: *opts, Settings: canonicalFlags(fs, batchMethodFlags()),
		Jobs: f.jobs, Limits: f.maxPixels.limits(), Version: version, Overwrite: f.overwrite}, shard, nil
}

// canonicalFlags is every named flag's value, defaults included, sorted:
// the settings a batch's outputs depend on.
func canonicalFlags(fs *flag.FlagSet, names []string) string {
	var kv []string
	fs.VisitAll(func(fl *flag.Flag) {
		if slices.Contains(names, fl.Name) {
			kv = append(kv, fl.Name+"="+fl.Value.String())
		}
	})
	slices.Sort(kv)
	return strings.Join(kv, " ")
}

// printBatchUpdate prints one line per finished input.
func printBatchUpdate(env *cliEnv, u batch.Update) {
	r := u.Record
	what := r.Status
	switch r.Status {
	case batch.StatusDone:
		what = fmt.Sprintf("done in %s, kernel %dx%d", fmtDuration(time.Duration(r.Seconds*float64(time.Second))), r.KernelWidth, r.KernelHeight)
	case batch.StatusSkipped:
		what = "skipped (outputs already there for these settings)"
	case batch.StatusFailed, batch.StatusInterrupted:
		what = r.Status + ": " + r.Error
	}
	eta := "--:--"
	if u.ETA > 0 {
		eta = fmtDuration(u.ETA)
	}
	fmt.Fprintf(env.stderr, "[%d/%d] %s: %s  (elapsed %s, eta %s)\n", u.Finished, u.Total, r.Input, what, fmtDuration(u.Elapsed), eta)
}

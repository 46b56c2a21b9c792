// Package batch deblurs many images unattended: it finds them (files,
// folders, patterns), splits them into shards for array jobs, runs a few
// at once with the cores shared, writes each one's outputs under an output
// folder that mirrors the inputs, and keeps a manifest of what happened to
// each. A rerun skips the inputs whose outputs exist for the same input
// bytes and settings, so an interrupted batch resumes where it stopped.
//
// Process, the work on one input, is what a distributed runner (the Apache
// Beam pipeline in beam/) calls for each element.
package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// Update is the progress of a batch after one more input: its record, how
// many inputs are finished of the total, and the time so far and to go.
type Update struct {
	Record         Record
	Finished       int
	Total          int
	Elapsed        time.Duration
	ETA            time.Duration // 0 when not yet known
	WorkedFinished int           // inputs finished by work this run (not skipped)
}

// Summary counts the records of a run by status.
type Summary struct {
	Done, Skipped, Failed, Interrupted int
}

// OK reports whether every input has its outputs.
func (s Summary) OK() bool { return s.Failed == 0 && s.Interrupted == 0 }

// ManifestName is the manifest's file name in the output folder for a
// shard (manifest.jsonl for the whole batch).
func ManifestName(s Shard) string {
	if s.Count <= 1 {
		return "manifest.jsonl"
	}
	return fmt.Sprintf("manifest-%d-of-%d.jsonl", s.Index, s.Count)
}

// Run processes inputs (already restricted to a shard, if any) with
// cfg.Jobs at a time and writes their records, one JSON line each in the
// order they finish, to manifest (a path; it is replaced). progress, when
// not nil, is called after each input, one call at a time. Cancelling
// ctx stops the images in progress (recorded as interrupted, nothing
// written for them) and starts no more; Run then returns ctx's error with
// the summary so far. Other errors are the manifest's.
func Run(ctx context.Context, inputs []Input, cfg *Config, manifest string, progress func(Update)) (Summary, error) {
	jobs := max(cfg.Jobs, 1)
	c := *cfg
	if c.Options.Concurrency == 0 {
		c.Options.Concurrency = max(1, runtime.GOMAXPROCS(0)/jobs)
	}
	if err := os.MkdirAll(filepath.Dir(manifest), 0o755); err != nil {
		return Summary{}, fmt.Errorf("batch: manifest: %w", err)
	}
	mf, err := os.Create(manifest)
	if err != nil {
		return Summary{}, fmt.Errorf("batch: manifest: %w", err)
	}
	defer mf.Close()

	var (
		mu       sync.Mutex
		sum      Summary
		writeErr error
		worked   int
		workTime time.Duration
		start    = time.Now()
		next     = make(chan Input)
		wg       sync.WaitGroup
	)
	finish := func(rec Record, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		switch rec.Status {
		case StatusDone:
			sum.Done++
		case StatusSkipped:
			sum.Skipped++
		case StatusFailed:
			sum.Failed++
		default:
			sum.Interrupted++
		}
		line, _ := json.Marshal(rec)
		if _, err := mf.Write(append(line, '\n')); err != nil && writeErr == nil {
			writeErr = fmt.Errorf("batch: manifest %s: %w", manifest, err)
		}
		if rec.Status != StatusSkipped {
			worked++
			workTime += took
		}
		n := sum.Done + sum.Skipped + sum.Failed + sum.Interrupted
		u := Update{Record: rec, Finished: n, Total: len(inputs), Elapsed: time.Since(start), WorkedFinished: worked}
		if worked > 0 {
			// Images in flight share the cores: the rate is per job slot.
			per := workTime / time.Duration(worked)
			u.ETA = per * time.Duration(len(inputs)-n) / time.Duration(jobs)
		}
		if progress != nil {
			progress(u)
		}
	}
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range next {
				t := time.Now()
				finish(Process(ctx, in, &c), time.Since(t))
			}
		}()
	}
	for _, in := range inputs {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- in:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if err := mf.Close(); err != nil && writeErr == nil {
		writeErr = fmt.Errorf("batch: manifest %s: %w", manifest, err)
	}
	if writeErr != nil {
		return sum, writeErr
	}
	return sum, ctx.Err()
}

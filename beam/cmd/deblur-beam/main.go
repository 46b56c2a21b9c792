// Command deblur-beam runs deblur's batch as an Apache Beam pipeline: on
// this machine with Beam's prism runner (the default; no Java, no Docker),
// or on a cluster (Flink, Spark, Dataflow) with Beam's runner flags.
//
//	deblur-beam -o OUT [-r] [-method l0] [-kernel-size K] [-iters N] [-seed S] [-finish M] INPUT...
//
// Exit status: 0 when every image has its outputs, 1 when any failed or
// the pipeline did, 2 for usage errors.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/deblur/deblur/batch"
	"github.com/deblur/deblur/beam/pipeline"
)

func main() {
	var set pipeline.Settings
	recursive := flag.Bool("r", false, "take the images of subfolders too")
	flag.StringVar(&set.OutDir, "o", "", "output `FOLDER` (required; seen by every worker at this path)")
	flag.StringVar(&set.Method, "method", "selfdeblur", "blind `METHOD`: selfdeblur or l0")
	flag.IntVar(&set.KernelSize, "kernel-size", 0, "size `K` of the largest blur expected (0: chosen)")
	flag.IntVar(&set.Iterations, "iters", 0, "iterations `N` per fit (0: the method's)")
	flag.Uint64Var(&set.Seed, "seed", 1, "random `SEED`")
	flag.StringVar(&set.Finish, "finish", "auto", "non-blind `METHOD` of the finish (auto or a deconv method)")
	flag.IntVar(&set.Concurrency, "threads", 0, "cores `N` each image may use (0: all of the worker's)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: deblur-beam -o FOLDER [flags] INPUT...  (Beam's flags such as --runner too)")
		flag.PrintDefaults()
	}
	flag.Parse()
	beam.Init()
	p, scope := beam.NewPipelineWithRoot()
	abs, err := filepath.Abs(set.OutDir)
	if set.OutDir == "" || err != nil {
		fail(2, "-o FOLDER is required")
	}
	set.OutDir = abs
	if err := os.MkdirAll(set.OutDir, 0o755); err != nil {
		fail(2, "-o: %v", err)
	}
	if _, err := pipeline.Build(scope, flag.Args(), *recursive, set); err != nil {
		fail(2, "%v", err)
	}
	if err := beamx.Run(context.Background(), p); err != nil {
		fail(1, "pipeline: %v", err)
	}
	failed, total, err := countFailed(filepath.Join(set.OutDir, batch.ManifestName(batch.Shard{})))
	if err != nil {
		fail(1, "%v", err)
	}
	fmt.Fprintf(os.Stderr, "deblur-beam: %d images, %d failed; manifest in %s\n", total, failed, set.OutDir)
	if failed > 0 {
		os.Exit(1)
	}
}

// countFailed reads the manifest the pipeline wrote.
func countFailed(path string) (failed, total int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r batch.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return failed, total, fmt.Errorf("manifest %s: %w", path, err)
		}
		total++
		if !r.OK() {
			failed++
		}
	}
	return failed, total, sc.Err()
}

func fail(code int, format string, a ...any) {
	fmt.Fprintf(os.Stderr, "deblur-beam: "+format+"\n", a...)
	os.Exit(code)
}

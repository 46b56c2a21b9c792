package batch

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/deblur/deblur/imageio"
)

// ErrNoInputs is returned by Find when the arguments name no image.
var ErrNoInputs = errors.New("batch: no input images")

// Input is one image of a batch.
type Input struct {
	// Path is the file to read.
	Path string
	// Rel is where its outputs go under the output folder: the path
	// relative to the folder it was found in (slash-separated), or the
	// file's name for a file named directly.
	Rel string
}

// Stem is Rel without its extension: the outputs are Stem.png,
// Stem-kernel.png and Stem.json.
func (in Input) Stem() string { return strings.TrimSuffix(in.Rel, path.Ext(in.Rel)) }

// Find lists the images that args name: files (taken whatever their
// extension), folders (the files imageio.IsImageName takes; with
// recursive, also those of every subfolder) and glob patterns
// (filepath.Match syntax; a pattern that matches nothing is an error; as
// in a shell, its wildcards do not match a leading dot). Hidden folders
// are skipped, and so is the folder skip (the output folder, so that a
// rerun does not take its own outputs as inputs). The list is sorted by
// Rel, each file once. Two inputs whose outputs would have the same name
// (a.jpg and a.png) are an error naming both.
func Find(args []string, recursive bool, skip string) ([]Input, error) {
	skipAbs := ""
	if skip != "" {
		skipAbs, _ = filepath.Abs(skip)
	}
	var found []Input
	seen := map[string]bool{}
	add := func(in Input) {
		abs, err := filepath.Abs(in.Path)
		if err != nil || seen[abs] {
			return
		}
		seen[abs] = true
		found = append(found, in)
	}
	for _, arg := range args {
		paths := []string{arg}
		if _, err := os.Lstat(arg); err != nil && strings.ContainsAny(arg, "*?[") {
			m, gerr := filepath.Glob(arg)
			if gerr != nil {
				return nil, fmt.Errorf("batch: pattern %q: %w", arg, gerr)
			}
			// As in a shell, a wildcard does not match a leading dot.
			if !strings.HasPrefix(filepath.Base(arg), ".") {
				m = slices.DeleteFunc(m, func(p string) bool { return strings.HasPrefix(filepath.Base(p), ".") })
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("batch: no file matches %q", arg)
			}
			paths = m
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				return nil, fmt.Errorf("batch: input %w", err)
			}
			if !st.IsDir() {
				add(Input{Path: p, Rel: filepath.Base(p)})
				continue
			}
			if err := walk(p, recursive, skipAbs, add); err != nil {
				return nil, err
			}
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoInputs, strings.Join(args, " "))
	}
	slices.SortFunc(found, func(a, b Input) int {
		return strings.Compare(a.Rel+"\x00"+a.Path, b.Rel+"\x00"+b.Path)
	})
	stems := map[string]string{}
	for _, in := range found {
		if prev, ok := stems[in.Stem()]; ok {
			return nil, fmt.Errorf("batch: %s and %s would write the same outputs (%s.*): rename one or run them separately", prev, in.Path, in.Stem())
		}
		stems[in.Stem()] = in.Path
	}
	return found, nil
}

// walk adds the images of the folder root (and of its subfolders when
// recursive), skipping hidden entries and the folder skipAbs.
func walk(root string, recursive bool, skipAbs string, add func(Input)) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("batch: input folder %w", err)
		}
		if d.IsDir() {
			if p == root {
				return nil
			}
			abs, _ := filepath.Abs(p)
			if !recursive || strings.HasPrefix(d.Name(), ".") || abs == skipAbs {
				return filepath.SkipDir
			}
			return nil
		}
		if !imageio.IsImageName(d.Name()) || !(d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		add(Input{Path: p, Rel: filepath.ToSlash(rel)})
		return nil
	})
}

// Shard is one of Count deterministic parts of a batch, for array jobs:
// machines given the same inputs and shards 0..Count-1 process every
// input exactly once between them. The zero Shard is the whole batch.
type Shard struct{ Index, Count int }

// Has reports whether in belongs to the shard. The part is decided by a
// hash of in.Rel alone, so it does not depend on the other inputs: a file
// added while the shards run moves no other file to another shard.
func (s Shard) Has(in Input) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(in.Rel))
	return int(h.Sum64()%uint64(s.Count)) == s.Index
}

// String is "K/N", or "" for the whole batch.
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// ParseShard parses "K/N" (K from 0 to N-1) or "N" alone, which takes K from
// the environment variable JOB_COMPLETION_INDEX (set by Kubernetes Indexed
// Jobs); getenv is os.Getenv or a test's stand-in.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	kStr, nStr, ok := strings.Cut(s, "/")
	if !ok {
		kStr, nStr = getenv("JOB_COMPLETION_INDEX"), s
		if kStr == "" {
			return Shard{}, fmt.Errorf("shard %q: want K/N (K from 0 to N-1), or N with JOB_COMPLETION_INDEX set", s)
		}
	}
	n, err := strconv.Atoi(nStr)
	if err != nil || n < 1 {
		return Shard{}, fmt.Errorf("shard %q: the count N must be a positive integer", s)
	}
	k, err := strconv.Atoi(kStr)
	if err != nil || k < 0 || k >= n {
		return Shard{}, fmt.Errorf("shard %q: the index K must be from 0 to %d", s, n-1)
	}
	return Shard{Index: k, Count: n}, nil
}

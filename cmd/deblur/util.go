package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// isTerminal reports whether f is a character device (a terminal), which is
// when progress bars are drawn.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// parseInterspersed parses flags wherever they appear among the positional
// arguments, which it returns in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseCommand parses a command's flags (anywhere among its arguments) and
// checks that exactly want positional arguments remain, described by what
// in the usage error. help is true when -h was asked for (usage printed).
func parseCommand(fs *flag.FlagSet, args []string, want int, what string) (pos []string, help bool, err error) {
	pos, err = parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, usageError{err}
	}
	if len(pos) != want {
		fs.Usage()
		return nil, false, usagef("%s: want %s, got %d arguments", fs.Name(), what, len(pos))
	}
	return pos, false, nil
}

// distinctOutputs refuses outputs that would overwrite an input (the same
// file, also through another path or a link) or each other, so a run
// never destroys the user's original.
func distinctOutputs(inputs []string, outputs ...string) error {
	for i, o := range outputs {
		for _, p := range outputs[:i] {
			if filepath.Clean(o) == filepath.Clean(p) {
				return fmt.Errorf("two outputs are %s: give each its own path", o)
			}
		}
		ost, err := os.Stat(o)
		if err != nil {
			continue // not there yet: cannot be an input
		}
		for _, in := range inputs {
			if ist, err := os.Stat(in); err == nil && os.SameFile(ist, ost) {
				return fmt.Errorf("output %s is the input %s: choose another output path (inputs are never overwritten)", o, in)
			}
		}
	}
	return nil
}

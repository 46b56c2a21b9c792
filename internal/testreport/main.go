// Command testreport reads the JSON events of "go test -json" on standard
// input and prints what a person needs: a line per package, the output of
// every failed test and build, and how many tests were skipped and why
// (grouped by the skip message, e.g. missing ../shared/data). It exits
// with status 1 when anything failed.
//
//	go test -json ./... | go run ./internal/testreport
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action, Package, Test, Output, ImportPath string
	Elapsed                                   float64
}

// location is the file:line prefix test output lines carry.
var location = regexp.MustCompile(`^\s*[\w./-]+\.go:\d+: `)

func main() {
	out := map[string][]string{} // output so far, by package and test
	skips := map[string]int{}    // skip reason -> tests
	failed := false
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // not an event: pass it on
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			out[key] = append(out[key], e.Output)
		case "build-output":
			fmt.Print(e.Output)
		case "build-fail":
			failed = true
		case "skip":
			if e.Test == "" {
				fmt.Printf("?   \t%s\t[no test files]\n", e.Package)
			} else {
				skips[reason(out[key])]++
			}
			delete(out, key)
		case "pass":
			if e.Test == "" {
				fmt.Printf("ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
			delete(out, key)
		case "fail":
			failed = true
			fmt.Print(strings.Join(out[key], ""))
			if e.Test == "" {
				fmt.Printf("FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
			delete(out, key)
		}
	}
	if n := total(skips); n > 0 {
		fmt.Printf("skipped %d tests:\n", n)
		for _, r := range slices.Sorted(maps.Keys(skips)) {
			fmt.Printf("  %3d  %s\n", skips[r], r)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// reason is the message a skipped test gave: its last output line that is
// not the framework's own, without the file:line prefix.
func reason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		return strings.TrimSpace(location.ReplaceAllString(lines[i], ""))
	}
	return "(no reason given)"
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

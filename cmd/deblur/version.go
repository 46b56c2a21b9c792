package main

import (
	"flag"
	"fmt"
	"runtime"

	"github.com/deblur/deblur"
)

func runVersion(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	fmt.Fprintf(env.stdout, "deblur %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(env.stdout, "gemm backend: %s\n", deblur.Backend())
	return nil
}

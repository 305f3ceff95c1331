package main

import (
	"context"
	"fmt"
	"io"
)

// runDir is a placeholder until the dir source lands.
func runDir(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "clickup-secret-scan: this command is not implemented yet")
	return exitInternal
}

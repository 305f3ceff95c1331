package main

import (
	"context"
	"fmt"
	"io"
)

// runBaseline is a placeholder until its issue lands.
func runBaseline(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "clickup-secret-scan: this command is not implemented yet")
	return exitInternal
}

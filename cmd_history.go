package main

import (
	"context"
	"fmt"
	"io"
)

// runHistory is a placeholder until its issue lands.
func runHistory(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "clickup-secret-scan: this command is not implemented yet")
	return exitInternal
}

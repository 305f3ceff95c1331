// Command gencorpus generates a realistic build-output tree for the dir
// benchmark (bench/dir.sh): minified bundles with multi-MB lines, source
// maps, CSS, HTML, images and binaries, .gz/.zip/.jar/.tar.gz archives, near
// misses sprinkled densely, and a known set of planted fake ClickUp personal
// tokens, some plain, some archived, some encoded. The manifest of planted
// tokens (ids, never raw tokens) is written outside the corpus.
//
// With -hash it turns the tokens ripgrep prints into ids on the fly, so that
// the raw tokens only ever pass through a pipe, never a file or a terminal.
// With -check it compares a scanner's JSON report with the manifest
// instead, and exits 1 when a planted token was missed or something that
// was not planted was reported.
//
// Usage:
//
//	go run ./bench/gencorpus -out DIR -size 300MB -seed 1 [-manifest FILE]
//	rg -o ... | go run ./bench/gencorpus -hash > ids.txt
//	go run ./bench/gencorpus -check -manifest FILE -findings REPORT.json [-rg-ids FILE]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to create the corpus in (must not exist or be empty)")
	size := fs.String("size", "300MB", "total corpus size on disk (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and size give the same corpus")
	mix := fs.String("mix", "build", `what fills the corpus: "build" (build output with images, binaries and 10% archives) or "text" (minified bundles, source maps and CSS dense with near misses, 1% archives)`)
	manifest := fs.String("manifest", "", "manifest path, outside the corpus (default OUT.manifest.json)")
	check := fs.Bool("check", false, "compare a JSON report (-findings) with -manifest instead of generating")
	findings := fs.String("findings", "", "with -check: the scanner's JSON report")
	rgIDs := fs.String("rg-ids", "", "with -check: file of sha256 ids of the tokens ripgrep printed, one a line")
	hash := fs.Bool("hash", false, "read lines from stdin, print the sorted distinct sha256 hex ids of their bytes")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *hash {
		if err := hashLines(os.Stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "gencorpus:", err)
			return 1
		}
		return 0
	}
	if *check {
		if *manifest == "" || *findings == "" {
			fmt.Fprintln(stderr, "gencorpus: -check needs -manifest and -findings")
			return 2
		}
		code, err := runCheck(*manifest, *findings, *rgIDs, stdout)
		if err != nil {
			fmt.Fprintln(stderr, "gencorpus:", err)
			return 2
		}
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "gencorpus: -out is required")
		return 2
	}
	if *mix != "build" && *mix != "text" {
		fmt.Fprintf(stderr, "gencorpus: -mix must be build or text, not %q\n", *mix)
		return 2
	}
	target, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(stderr, "gencorpus:", err)
		return 2
	}
	if *manifest == "" {
		*manifest = filepath.Clean(*out) + ".manifest.json"
	}
	m, err := generate(*out, *manifest, target, *seed, *mix)
	if err != nil {
		fmt.Fprintln(stderr, "gencorpus:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d files, %d bytes, %d planted tokens to %s (manifest %s)\n", m.Files, m.Bytes, len(m.Planted), *out, *manifest)
	return 0
}

// generate writes the corpus of the given mix to out and its manifest to
// manifestPath.
func generate(out, manifestPath string, target int64, seed uint64, mix string) (*Manifest, error) {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve %s: %w", out, err)
	}
	absMan, err := filepath.Abs(manifestPath)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve %s: %w", manifestPath, err)
	}
	if rel, err := filepath.Rel(absOut, absMan); err == nil && !strings.HasPrefix(rel, "..") {
		// A manifest inside the corpus would be scanned with it.
		return nil, fmt.Errorf("manifest %s must be outside the corpus %s", manifestPath, out)
	}
	entries, err := os.ReadDir(out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("failed to read %s: %w", out, err)
	}
	if len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty", out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("failed to create %s: %w", out, err)
	}
	g := newGenerator(out, target, seed)
	g.mix = mix
	if err := g.plantAll(); err != nil {
		return nil, err
	}
	if err := g.bulk(); err != nil {
		return nil, err
	}
	m := &Manifest{Seed: seed, Mix: mix, TargetSize: target, Bytes: g.written, Files: g.files, Planted: g.plants}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("failed to encode the manifest: %w", err)
	}
	if err := os.WriteFile(manifestPath, append(data, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("failed to write the manifest: %w", err)
	}
	return m, nil
}

// parseSize parses "300MB", "64MiB", "1.5GB" or a plain byte count.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
	}
	num, mult := strings.TrimSpace(s), 1.0
	// Longest suffixes first, so that "MiB" is not read as "B".
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(num), strings.ToUpper(u.suffix)) {
			num, mult = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("invalid size %q (want e.g. 300MB or 64MiB)", s)
	}
	return int64(f * mult), nil
}

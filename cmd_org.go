package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/source/org"
)

// runOrg scans every repository of an organisation (or user), or one shard
// of them, or prints the shard matrix for GitHub Actions.
func runOrg(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fs := newFlagSet("org", stderr)
	opts := org.Options{}
	var globs stringList
	var shard, sarifDir, plan string
	var shards int
	var list bool
	fs.BoolVar(&opts.User, "user", false, "OWNER is a user, not an organisation")
	fs.BoolVar(&opts.Filter.IncludeArchived, "include-archived", false, "also scan archived repositories")
	fs.BoolVar(&opts.Filter.IncludeForks, "include-forks", false, "also scan forks")
	fs.Var(&globs, "repo", "only repositories whose name matches this doublestar `glob` (repeatable)")
	fs.IntVar(&opts.Workers, "workers", runtime.NumCPU(), "repositories cloned and scanned at once")
	fs.StringVar(&opts.CacheDir, "cache-dir", "", "keep the clones in this `dir` and fetch into them next time")
	fs.StringVar(&opts.StateDir, "state-dir", "", "keep one history state per repository in this `dir`, so a rerun scans only what changed")
	fs.StringVar(&shard, "shard", "", "scan only shard `K/N` of the repositories")
	fs.IntVar(&shards, "shards", 1, "with --list: the number of shards `N` (at most 256, at most one per repository)")
	fs.BoolVar(&list, "list", false, "print the GitHub Actions matrix {\"include\":[{\"shard\":\"1/N\"},...]} and exit")
	fs.StringVar(&plan, "plan", "", "with --list: also write the filtered listing to this `file`; otherwise: scan the repositories it lists instead of listing them again")
	fs.StringVar(&sarifDir, "sarif-dir", "", "also write one SARIF file per repository with findings, `dir`/OWNER__NAME.sarif")
	o := addOutputFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opts.Filter.Globs = globs
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "clickup-secret-scan: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() != 1 {
		return usageErr("org takes one argument, the organisation or user (got %d)", fs.NArg())
	}
	opts.Owner = fs.Arg(0)
	if err := o.validate(); err != nil {
		return usageErr("%v", err)
	}
	if err := opts.Filter.Validate(); err != nil {
		return usageErr("%v", err)
	}
	if opts.Workers < 1 {
		return usageErr("--workers must be at least 1")
	}
	if shards < 1 || shards > org.MaxShards {
		return usageErr("--shards must be between 1 and %d", org.MaxShards)
	}
	if shard != "" {
		s, err := org.ParseShard(shard)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.Shard = s
	}
	if list && shard != "" {
		return usageErr("--list and --shard exclude each other")
	}
	shardsSet := false
	fs.Visit(func(f *flag.Flag) { shardsSet = shardsSet || f.Name == "shards" })
	if shardsSet && !list {
		return usageErr("--shards goes with --list; to scan one shard, use --shard K/N")
	}
	opts.Client = &org.Client{
		APIURL:  env("GITHUB_API_URL"),
		Token:   cmp.Or(env("GITHUB_TOKEN"), env("GH_TOKEN")),
		Retries: 3,
		Backoff: orgBackoff,
	}
	opts.ServerURL = env("GITHUB_SERVER_URL")
	if list {
		repos, _, err := org.Plan(ctx, opts)
		if err != nil {
			return orgListError(err, stderr)
		}
		if plan != "" {
			if err := writeTo(plan, nil, func(w io.Writer) error { return org.WritePlan(w, opts.Owner, repos) }); err != nil {
				fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
				return exitInternal
			}
		}
		fmt.Fprintln(stdout, org.Matrix(org.ShardCount(shards, len(repos))))
		return exitClean
	}
	if plan != "" {
		f, err := os.Open(plan)
		if err != nil {
			return usageErr("failed to open the plan: %v", err)
		}
		opts.Repos, err = org.ReadPlan(f, opts.Owner)
		f.Close()
		if err != nil {
			return usageErr("--plan %s: %v", plan, err)
		}
		opts.Planned = true
	}
	opts.Progress = func(done, total int, rr org.RepoResult) {
		status := fmt.Sprintf("%d finding(s)", len(rr.Findings))
		if rr.Err != nil {
			status = "FAILED: " + rr.Err.Error()
		}
		fmt.Fprintf(stderr, "org: [%d/%d] %s: %s (%.1f s)\n", done, total, rr.Repo.FullName(), status, rr.Duration.Seconds())
	}
	res, err := org.Scan(ctx, opts)
	if err != nil {
		return orgListError(err, stderr)
	}
	if o.pipeline.RepoRoot == "" {
		o.pipeline.RepoRoot = "."
	}
	rep, err := postProcess(ctx, env, &o.pipeline, res.Report(), stderr)
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitCodeFor(err)
	}
	rep.ToolVersion = version
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if o.format == "text" {
		err = writeTo(o.output, stdout, func(w io.Writer) error { return org.WriteText(w, rep, res) })
	} else {
		err = writeReport(o, rep, stdout)
	}
	if err == nil && sarifDir != "" {
		_, err = org.WriteSARIFDir(sarifDir, rep, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitInternal
	}
	switch failed := res.Failed(); {
	case len(rep.Findings) > 0:
		return exitFindings
	case failed > 0:
		fmt.Fprintf(stderr, "clickup-secret-scan: %d repositor(ies) could not be scanned; see stats.errors\n", failed)
		return exitInternal
	}
	return exitClean
}

// orgBackoff is the first wait before retrying a failed API page or clone;
// tests shorten it.
var orgBackoff = defaultOrgBackoff

// orgListError maps a failure of the whole run: an owner that does not
// exist or a malformed owner is the user's to fix.
func orgListError(err error, stderr io.Writer) int {
	fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
	if errors.Is(err, org.ErrOwnerNotFound) || errors.Is(err, org.ErrInvalidOwner) {
		return exitUsage
	}
	return exitInternal
}

const defaultOrgBackoff = 2 * time.Second

// writeTo runs write on path ("" for stdout), closing the file and naming
// it in the error.
func writeTo(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("failed to create %s: %w", path, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	return nil
}

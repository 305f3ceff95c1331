package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/org"
)

// runOrg scans every repository of an organisation (or user), or one shard
// of them, or prints the shard matrix for GitHub Actions.
func runOrg(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("org", stdout, stderr)
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
	if err := fs.parse(args); err != nil {
		return err
	}
	opts.Filter.Globs = globs
	if fs.NArg() != 1 {
		return fs.usageErrorf("org takes one argument, the organisation or user (got %d)", fs.NArg())
	}
	opts.Owner = fs.Arg(0)
	if err := o.validate(fs, env, stdout); err != nil {
		return err
	}
	if err := opts.Filter.Validate(); err != nil {
		return fs.usageErrorf("--repo: %w", err)
	}
	if opts.Workers < 1 {
		return fs.usageErrorf("--workers must be at least 1")
	}
	if shards < 1 || shards > org.MaxShards {
		return fs.usageErrorf("--shards must be between 1 and %d", org.MaxShards)
	}
	if shard != "" {
		s, err := org.ParseShard(shard)
		if err != nil {
			return fs.usageErrorf("%w", err)
		}
		opts.Shard = s
	}
	if list && shard != "" {
		return fs.usageErrorf("--list and --shard exclude each other")
	}
	shardsSet := false
	fs.Visit(func(f *flag.Flag) { shardsSet = shardsSet || f.Name == "shards" })
	if shardsSet && !list {
		return fs.usageErrorf("--shards goes with --list; to scan one shard, use --shard K/N")
	}
	opts.Client = &org.Client{
		APIURL:  env("GITHUB_API_URL"),
		Token:   cmp.Or(env("GITHUB_TOKEN"), env("GH_TOKEN")),
		Retries: 3,
		Backoff: orgBackoff,
	}
	opts.ServerURL = env("GITHUB_SERVER_URL")
	if list {
		return listShards(ctx, opts, shards, plan, stdout)
	}
	if plan != "" {
		if err := readPlan(plan, &opts); err != nil {
			return err
		}
	}
	// One line per repository; --quiet keeps only the failures, which the
	// exit code alone would not explain.
	opts.Progress = func(done, total int, rr org.RepoResult) {
		status := fmt.Sprintf("%d finding(s)", len(rr.Findings))
		if rr.Err != nil {
			status = "FAILED: " + rr.Err.Error()
		} else if o.quiet {
			return
		}
		fmt.Fprintf(stderr, "org: [%d/%d] %s: %s (%.1f s)\n", done, total, rr.Repo.FullName(), status, rr.Duration.Seconds())
	}
	// Up to Workers history scans run at once: one memory limit for the
	// whole run, scaled to them.
	defer history.LimitMemory(opts.Workers)()
	res, err := org.Scan(ctx, opts)
	if err != nil {
		return err
	}
	rep, err := postProcess(ctx, o, res.Report(), stderr)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		return report.WriteWith(w, o.format, rep, report.Options{Color: o.color, ShowIgnored: o.showIgnored})
	}
	if o.format == "text" {
		write = func(w io.Writer) error { return org.WriteText(w, rep, res) }
	}
	if !(o.quiet && len(rep.Findings) == 0 && res.Failed() == 0 && o.format == "text" && o.output == "") {
		if err := writeOutput(o.output, stdout, write); err != nil {
			return err
		}
	}
	if sarifDir != "" {
		if _, err := org.WriteSARIFDir(sarifDir, rep, res); err != nil {
			return err
		}
	}
	return orgOutcome(len(rep.Findings), res.Failed(), o.exitZero)
}

// orgOutcome applies the exit rule of an org run: 1 if anything was found
// (naming the repositories that failed too), else 3 if any repository
// could not be scanned, else 0. With exitZero findings alone exit 0.
func orgOutcome(findings, failed int, exitZero bool) error {
	var err error
	if failed > 0 {
		err = fmt.Errorf("%d repositor(ies) could not be scanned; see stats.errors", failed)
	}
	switch {
	case findings > 0 && exitZero:
		return err
	case findings > 0 && err != nil:
		return findingsAnd{err}
	case findings > 0:
		return errFindings
	}
	return err
}

// listShards prints the GitHub Actions matrix for the owner's repositories
// and, when plan is set, writes the listing to that file.
func listShards(ctx context.Context, opts org.Options, shards int, plan string, stdout io.Writer) error {
	repos, _, err := org.Plan(ctx, opts)
	if err != nil {
		return err
	}
	if plan != "" {
		if err := report.WriteFile(plan, func(w io.Writer) error { return org.WritePlan(w, opts.Owner, repos) }); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, org.Matrix(org.ShardCount(shards, len(repos))))
	return nil
}

// readPlan makes opts scan the repositories the plan file lists instead of
// listing them again.
func readPlan(plan string, opts *org.Options) error {
	f, err := os.Open(plan)
	if err != nil {
		return usageErrorf("failed to open the plan: %w", err)
	}
	defer f.Close()
	opts.Repos, err = org.ReadPlan(f, opts.Owner)
	if err != nil {
		return usageErrorf("--plan %s: %w", plan, err)
	}
	opts.Planned = true
	return nil
}

// orgBackoff is the first wait before retrying a failed API page or clone;
// tests shorten it.
var orgBackoff = 2 * time.Second

// Package org scans every repository of a GitHub organisation or user: it
// lists them through the REST API, keeps the shard asked for, mirrors each
// one (a fresh bare clone, or a fetch into a cached one) with the token in
// an HTTP header only, and scans its history with the history engine. A
// repository that cannot be cloned or scanned is recorded and the run goes
// on with the others.
package org

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// DefaultMaxInflightBytes bounds the API sizes of the repositories being
// cloned and scanned at once (see Options.MaxInflightBytes).
const DefaultMaxInflightBytes = 512 << 20

// Options selects what Scan scans and where it keeps its files.
type Options struct {
	Client *Client
	// Owner is the organisation, or the user when User is true.
	Owner string
	User  bool
	// ServerURL is GITHUB_SERVER_URL, a host besides the API's that may
	// receive the token for cloning; "" for none.
	ServerURL string
	Filter    Filter
	// Planned makes Scan take Repos (from a plan file) instead of listing
	// the owner's repositories through the API.
	Planned bool
	Repos   []Repo
	// Shard selects one shard; the zero Shard means all repositories.
	Shard Shard
	// Workers is how many repositories are cloned and scanned at once;
	// 0 means runtime.NumCPU().
	Workers int
	// MaxInflightBytes bounds the sum of the API sizes (bytes) of the
	// repositories in flight, so that memory stays bounded whatever
	// Workers is: a worker waits while the others hold the budget, and a
	// repository larger than the whole budget runs alone. 0 means
	// DefaultMaxInflightBytes.
	MaxInflightBytes int64
	// CacheDir keeps each clone as CacheDir/OWNER__NAME.git and fetches into
	// it next time; "" clones into a temporary directory removed after the
	// scan.
	CacheDir string
	// TempDir is where clones go without CacheDir, each removed after its
	// scan; "" means os.TempDir().
	TempDir string
	// StateDir keeps one history state per repository,
	// StateDir/OWNER__NAME.json, so that a rerun scans only what changed;
	// "" keeps none.
	StateDir string
	// Progress, when set, is called after each repository (from one
	// goroutine at a time) with the number done so far and the total.
	Progress func(done, total int, rr RepoResult)
}

// RepoResult is the outcome for one repository.
type RepoResult struct {
	Repo Repo
	// Findings hold the repository's findings; every location carries
	// Repository.
	Findings []scanner.Finding
	Stats    scanner.StatsSnapshot
	Warnings []string
	// Err is why the repository could not be cloned or scanned (in full);
	// its message never holds a token.
	Err      error
	Duration time.Duration
}

// Result is the outcome of a run, one RepoResult per repository of the
// shard, sorted by full name.
type Result struct {
	Owner string
	// Listed is the number of repositories the API listed, before filters.
	Listed int
	Repos  []RepoResult
}

// Failed returns the number of repositories that could not be scanned.
func (r Result) Failed() int {
	n := 0
	for _, rr := range r.Repos {
		if rr.Err != nil {
			n++
		}
	}
	return n
}

// Plan lists the owner's repositories and applies the filter: the set a
// run would split into shards, sorted by full name.
func Plan(ctx context.Context, opts Options) ([]Repo, int, error) {
	if err := opts.Filter.Validate(); err != nil {
		return nil, 0, err
	}
	all, err := opts.Client.List(ctx, opts.Owner, opts.User)
	if err != nil {
		return nil, 0, err
	}
	return opts.Filter.Apply(all), len(all), nil
}

// Scan lists, filters and shards the repositories, then clones and scans
// each one. Its error is for the run as a whole (the listing failed, a
// directory cannot be made); a repository's failure is in its RepoResult.
func Scan(ctx context.Context, opts Options) (Result, error) {
	repos, listed := opts.Filter.Apply(opts.Repos), len(opts.Repos)
	if !opts.Planned {
		var err error
		repos, listed, err = Plan(ctx, opts)
		if err != nil {
			return Result{}, err
		}
	}
	if opts.Shard.N > 0 {
		repos = Select(repos, opts.Shard)
	}
	for _, d := range []string{opts.CacheDir, opts.StateDir} {
		if d != "" {
			if err := os.MkdirAll(d, 0o700); err != nil {
				return Result{}, fmt.Errorf("failed to create %s: %w", d, err)
			}
		}
	}
	res := Result{Owner: opts.Owner, Listed: listed, Repos: make([]RepoResult, len(repos))}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	budget := newBudget(cmp.Or(opts.MaxInflightBytes, DefaultMaxInflightBytes))
	hosts := gitHosts(opts.Client.APIURL, opts.ServerURL)

	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range min(workers, max(len(repos), 1)) {
		wg.Go(func() {
			for i := range jobs {
				r := repos[i]
				size := r.SizeKB * 1024
				budget.acquire(size)
				rr := scanRepo(ctx, opts, r, hosts)
				budget.release(size)
				res.Repos[i] = rr
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(repos), rr)
					mu.Unlock()
				}
			}
		})
	}
	for i := range repos {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// scanRepo mirrors and scans one repository.
func scanRepo(ctx context.Context, opts Options, r Repo, hosts map[string]bool) (rr RepoResult) {
	start := time.Now()
	rr.Repo = r
	defer func() { rr.Duration = time.Since(start) }()

	dir := ""
	if opts.CacheDir != "" {
		dir = filepath.Join(opts.CacheDir, r.FileStem()+".git")
	} else {
		tmp, err := os.MkdirTemp(opts.TempDir, "clickup-secret-scan-org-")
		if err != nil {
			rr.Err = fmt.Errorf("failed to create a temporary directory: %w", err)
			return rr
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, r.FileStem()+".git")
	}
	if err := opts.Client.fetchRepo(ctx, r, dir, hosts); err != nil {
		rr.Err = err
		return rr
	}
	statePath := ""
	if opts.StateDir != "" {
		statePath = filepath.Join(opts.StateDir, r.FileStem()+".json")
	}
	rep, err := scanClone(ctx, dir, statePath, r.FullName())
	if err != nil {
		// A state that could not be saved leaves a complete scan: keep
		// its findings, and still count the repository as failed.
		rr.Err = fmt.Errorf("failed to scan: %w", opts.Client.scrubErr(err))
		if !errors.Is(err, history.ErrStateNotSaved) {
			return rr
		}
	}
	rr.Stats, rr.Warnings, rr.Findings = rep.Stats, rep.Warnings, rep.Findings
	return rr
}

// Report combines the repositories into one report: one finding per
// secret with its locations in every repository, stats summed, and each
// error and warning prefixed with its repository.
func (r Result) Report() report.Report {
	col := scanner.NewCollector()
	rep := report.Report{Mode: report.ModeOrg}
	for _, rr := range r.Repos {
		name := rr.Repo.FullName()
		for _, f := range rr.Findings {
			for _, l := range f.Locations {
				col.AddLocation(f.Kind, f.Secret, f.UserID, l)
			}
		}
		rep.Stats.Add(rr.Stats, name+": ")
		if rr.Err != nil {
			rep.Stats.ErrorCount++
			rep.Stats.Errors = append(rep.Stats.Errors, name+": "+rr.Err.Error())
		}
		for _, w := range rr.Warnings {
			rep.Warnings = append(rep.Warnings, name+": "+w)
		}
	}
	rep.Findings = col.Findings()
	return rep
}

// budget is a counting semaphore over bytes.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	limit int64
	used  int64
}

func newBudget(limit int64) *budget {
	b := &budget{limit: limit}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n more bytes fit, or until nothing else is held (a
// repository larger than the limit then runs alone).
func (b *budget) acquire(n int64) {
	n = min(max(n, 0), b.limit)
	b.mu.Lock()
	for b.used > 0 && b.used+n > b.limit {
		b.cond.Wait()
	}
	b.used += n
	b.mu.Unlock()
}

func (b *budget) release(n int64) {
	n = min(max(n, 0), b.limit)
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

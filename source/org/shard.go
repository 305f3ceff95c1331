package org

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
)

// MaxShards is GitHub Actions' limit of jobs in one matrix.
const MaxShards = 256

// Filter selects the repositories to scan.
type Filter struct {
	IncludeArchived bool
	IncludeForks    bool
	// Globs are doublestar patterns matched against the repository name
	// (not the owner); none means every name.
	Globs []string
}

// Validate reports a malformed glob; its error names the pattern, and the
// caller names its option.
func (f Filter) Validate() error {
	for _, g := range f.Globs {
		if !doublestar.ValidatePattern(g) {
			return usage.Error{Err: fmt.Errorf("invalid repository name pattern %q", g)}
		}
	}
	return nil
}

// Apply returns the repositories f keeps, sorted by full name.
func (f Filter) Apply(repos []Repo) []Repo {
	var out []Repo
	for _, r := range repos {
		if (r.Archived && !f.IncludeArchived) || (r.Fork && !f.IncludeForks) {
			continue
		}
		if len(f.Globs) > 0 && !slices.ContainsFunc(f.Globs, func(g string) bool {
			ok, _ := doublestar.Match(g, r.Name)
			return ok
		}) {
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Repo) int { return cmp.Compare(a.FullName(), b.FullName()) })
	return slices.CompactFunc(out, func(a, b Repo) bool { return a.FullName() == b.FullName() })
}

// Shard is "K/N": the K-th (1-based) of N shards.
type Shard struct{ K, N int }

// String returns "K/N".
func (s Shard) String() string { return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N) }

// ParseShard parses "K/N" with 1 <= K <= N <= MaxShards.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || ni < 1 || ni > MaxShards || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("invalid shard %q (want K/N with 1 <= K <= N <= %d)", s, MaxShards)
	}
	return Shard{K: ki, N: ni}, nil
}

// ShardCount returns the number of shards to plan for n repositories when
// asked for want: never more shards than repositories (an empty job is a
// wasted runner), at least one, at most MaxShards.
func ShardCount(want, n int) int {
	return max(1, min(want, n, MaxShards))
}

// weight is the size a repository counts for when balancing shards: its
// API size (plus 2 KiB, so that empty repositories weigh something)
// rounded to a power of two. The plan job and each scan job list the
// organisation minutes apart; rounding keeps most pushes in between from
// moving a repository to another shard (where it would be skipped or
// scanned twice that night), at the price of shards balanced within a
// factor of about 1.4 rather than exactly.
func weight(r Repo) int64 {
	return int64(math.Exp2(math.Round(math.Log2(float64(max(r.SizeKB, 0)) + 2))))
}

// Assign splits repos into n shards balanced by weight: the heaviest
// repository first (ties by full name) goes to the lightest shard (ties
// by lowest index). It is deterministic, and every repository lands in
// exactly one shard. Each shard is sorted by full name.
func Assign(repos []Repo, n int) [][]Repo {
	n = max(n, 1)
	order := slices.Clone(repos)
	slices.SortStableFunc(order, func(a, b Repo) int {
		return cmp.Or(cmp.Compare(weight(b), weight(a)), cmp.Compare(a.FullName(), b.FullName()))
	})
	shards := make([][]Repo, n)
	load := make([]int64, n)
	for _, r := range order {
		i := 0
		for j := 1; j < n; j++ {
			if load[j] < load[i] {
				i = j
			}
		}
		shards[i] = append(shards[i], r)
		load[i] += weight(r)
	}
	for _, s := range shards {
		slices.SortFunc(s, func(a, b Repo) int { return cmp.Compare(a.FullName(), b.FullName()) })
	}
	return shards
}

// Select returns the repositories of shard s.
func Select(repos []Repo, s Shard) []Repo {
	return Assign(repos, s.N)[s.K-1]
}

// Matrix returns the GitHub Actions matrix for n shards as one JSON line:
// {"include":[{"shard":"1/N"},...]}.
func Matrix(n int) string {
	type entry struct {
		Shard string `json:"shard"`
	}
	m := struct {
		Include []entry `json:"include"`
	}{}
	for k := 1; k <= n; k++ {
		m.Include = append(m.Include, entry{Shard{K: k, N: n}.String()})
	}
	b, _ := json.Marshal(m)
	return string(b)
}

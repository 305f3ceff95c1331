package org

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func someRepos(n int) []Repo {
	r := rand.New(rand.NewPCG(7, 7))
	var out []Repo
	for i := range n {
		// Mixed sizes: mostly small, a few huge.
		size := int64(r.IntN(500))
		if i%10 == 0 {
			size = int64(r.IntN(2_000_000))
		}
		out = append(out, Repo{Owner: "acme", Name: fmt.Sprintf("repo-%03d", i), SizeKB: size})
	}
	return out
}

func TestAssignEveryRepositoryExactlyOnce(t *testing.T) {
	t.Parallel()
	repos := someRepos(57)
	for n := 1; n <= 8; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			shuffled := slices.Clone(repos)
			rand.New(rand.NewPCG(uint64(n), 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			seen := map[string]int{}
			var loads []int64
			var heaviest int64
			for k := 1; k <= n; k++ {
				a := Select(repos, Shard{K: k, N: n})
				b := Select(shuffled, Shard{K: k, N: n})
				if !slices.Equal(a, b) {
					t.Fatalf("shard %d/%d depends on the listing's order", k, n)
				}
				var load int64
				for _, r := range a {
					seen[r.Name]++
					load += weight(r)
					heaviest = max(heaviest, weight(r))
				}
				loads = append(loads, load)
			}
			for _, r := range repos {
				if seen[r.Name] != 1 {
					t.Errorf("%s is in %d shards, want 1", r.Name, seen[r.Name])
				}
			}
			// Greedy balance: no shard exceeds the lightest by more than
			// the heaviest repository.
			if slices.Max(loads)-slices.Min(loads) > heaviest {
				t.Errorf("loads %v are unbalanced (heaviest repository %d)", loads, heaviest)
			}
		})
	}
}

func TestWeightIgnoresSmallGrowth(t *testing.T) {
	t.Parallel()
	// Sizes from 1 KiB to 10 GiB, log-spaced; a push adds 2%.
	moved, n := 0, 0
	for e := 0.0; e < 23; e += 0.01 {
		size := int64(math.Exp2(e))
		if weight(Repo{SizeKB: size}) != weight(Repo{SizeKB: size + size/50}) {
			moved++
		}
		n++
	}
	if moved*100 > 5*n {
		t.Errorf("a 2%% push changes the weight of %d of %d repositories, want under 5%%", moved, n)
	}
	if weight(Repo{SizeKB: 10}) >= weight(Repo{SizeKB: 1_000_000}) {
		t.Error("a big repository does not weigh more than a small one")
	}
}

func TestParseShard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"1/1", Shard{1, 1}, true},
		{"3/8", Shard{3, 8}, true},
		{"256/256", Shard{256, 256}, true},
		{"0/8", Shard{}, false},
		{"9/8", Shard{}, false},
		{"1/257", Shard{}, false},
		{"1", Shard{}, false},
		{"a/b", Shard{}, false},
		{"", Shard{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseShard(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseShard(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
			if tc.ok && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	repos := []Repo{
		{Owner: "acme", Name: "web"}, {Owner: "acme", Name: "api"}, {Owner: "acme", Name: "old", Archived: true},
		{Owner: "acme", Name: "fork", Fork: true}, {Owner: "acme", Name: "svc-billing"}, {Owner: "acme", Name: "svc-auth"},
		{Owner: "acme", Name: "api"}, // listed twice across pages while a repository was created
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"default", Filter{}, []string{"api", "svc-auth", "svc-billing", "web"}},
		{"archived", Filter{IncludeArchived: true}, []string{"api", "old", "svc-auth", "svc-billing", "web"}},
		{"forks", Filter{IncludeForks: true}, []string{"api", "fork", "svc-auth", "svc-billing", "web"}},
		{"glob", Filter{Globs: []string{"svc-*"}}, []string{"svc-auth", "svc-billing"}},
		{"globs", Filter{Globs: []string{"svc-a*", "w?b"}}, []string{"svc-auth", "web"}},
		{"glob and archived", Filter{Globs: []string{"o*"}, IncludeArchived: true}, []string{"old"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, r := range tc.f.Apply(repos) {
				got = append(got, r.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if err := (Filter{Globs: []string{"a[b"}}).Validate(); err == nil {
		t.Error("a malformed glob was accepted")
	}
}

func TestMatrixAndShardCount(t *testing.T) {
	t.Parallel()
	if got, want := Matrix(3), `{"include":[{"shard":"1/3"},{"shard":"2/3"},{"shard":"3/3"}]}`; got != want {
		t.Errorf("Matrix(3) = %s, want %s", got, want)
	}
	for _, tc := range [][3]int{{8, 100, 8}, {8, 3, 3}, {8, 0, 1}, {300, 1000, 256}} {
		if got := ShardCount(tc[0], tc[1]); got != tc[2] {
			t.Errorf("ShardCount(%d, %d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}

func TestGitHosts(t *testing.T) {
	t.Parallel()
	c := &Client{Token: "t"}
	for _, tc := range []struct {
		api, server, clone string
		ok                 bool
	}{
		{"", "", "https://github.com/acme/api.git", true},
		{"https://api.github.com", "", "https://github.com/acme/api.git", true},
		{"https://api.github.com", "", "https://evil.example/acme/api.git", false},
		{"https://api.github.com", "", "http://github.com/acme/api.git", false},
		{"https://ghe.example/api/v3", "", "https://ghe.example/acme/api.git", true},
		{"https://api.ghe.example", "https://ghe.example", "https://ghe.example/acme/api.git", true},
		{"https://api.github.com", "", "https://x:y@github.com/acme/api.git", false},
	} {
		_, err := c.auth(tc.clone, gitHosts(tc.api, tc.server))
		if (err == nil) != tc.ok {
			t.Errorf("api %q server %q clone %q: err %v, want ok %v", tc.api, tc.server, tc.clone, err, tc.ok)
		}
	}
}

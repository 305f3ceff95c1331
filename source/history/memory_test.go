package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// prunedRepo builds a history with a token deep in one directory among
// many directories that never hold one, then moves it.
func prunedRepo(t *testing.T, tok string) (*builder, []plumbing.Hash) {
	b := newBuilder(t)
	files := map[string]string{}
	for d := range 12 {
		for f := range 4 {
			files[fmt.Sprintf("pkg%d/sub%d/file%d.go", d, f%2, f)] = fmt.Sprintf("package p%d // %d\n", d, f)
		}
	}
	var commits []plumbing.Hash
	commit := func(msg string) {
		var parents []plumbing.Hash
		if len(commits) > 0 {
			parents = append(parents, commits[len(commits)-1])
		}
		commits = append(commits, b.commit(msg, files, parents...))
	}
	commit("c0")
	files["pkg3/sub1/file9.go"] = "package p3 // edited\n"
	commit("c1")
	files["deploy/prod/conf/.env"] = env(tok)
	commit("c2 adds the token")
	files["pkg5/sub0/file8.go"] = "package p5 // edited\n"
	commit("c3")
	delete(files, "deploy/prod/conf/.env")
	files["ops/.env"] = env(tok)
	commit("c4 moves it")
	b.ref("refs/heads/master", commits[len(commits)-1])
	return b, commits
}

// TestPrunedTreesKeepProvenance checks that keeping only the trees on the
// way to a matched blob changes no introducing commit or path, loose and
// packed (deltas by offset and by id), and that the trees without a
// matched blob are indeed dropped.
func TestPrunedTreesKeepProvenance(t *testing.T) {
	t.Parallel()
	for _, pack := range [][]string{nil, {"repack", "-a", "-d", "-q"}, {"-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-q", "-f", "--window=50", "--depth=10"}} {
		t.Run(strings.Join(pack, " "), func(t *testing.T) {
			t.Parallel()
			tok := fakeToken(31)
			b, commits := prunedRepo(t, tok)
			if pack != nil {
				gitCmd(t, b.dir, pack...)
			}
			stats := &scanner.Stats{}
			col := scanner.NewCollector()
			s, err := open(Options{RepoPath: b.dir}, scanner.New(scanner.Options{}, stats), col)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.run(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := locsOf(col.Findings(), tok)
			want := []loc{
				{Path: "deploy/prod/conf/.env", Commit: commits[2].String(), Line: 2, AtHead: "false"},
				{Path: "ops/.env", Commit: commits[4].String(), Line: 2, AtHead: "true"},
			}
			if !slices.Equal(got, want) {
				t.Fatalf("locations %v, want %v", got, want)
			}
			if st := stats.Snapshot(); st.ErrorCount != 0 {
				t.Fatalf("errors: %q", st.Errors)
			}
			// The root trees of c2..c4, deploy, deploy/prod and one tree
			// for both deploy/prod/conf and ops (the same single .env):
			// 6 trees lead to the token; the pkg* trees do not.
			if len(s.nodes) != 6 || len(s.emptyTrees) < 24 {
				t.Fatalf("%d trees kept and %d empty, want 6 kept and the pkg trees empty", len(s.nodes), len(s.emptyTrees))
			}
			if pack != nil && slices.Contains(pack, "repack.useDeltaBaseOffset=false") {
				refs := 0
				for _, p := range s.db.packs {
					for i := range p.entries {
						if p.entries[i].raw == plumbing.REFDeltaObject {
							refs++
						}
					}
				}
				if refs == 0 {
					t.Fatalf("repack without delta base offsets wrote no REF_DELTA: the case tests nothing")
				}
			}
		})
	}
}

// TestMissingSubtreeCounted deletes a loose subtree without any token that
// a root tree names: the tree pass cannot read it, so it must be kept as a
// possible path to a match, read again, and counted as an error, and the
// scan must still find the token elsewhere.
func TestMissingSubtreeCounted(t *testing.T) {
	t.Parallel()
	tok := fakeToken(32)
	b := newBuilder(t)
	gone := b.tree(map[string]string{"lib.go": "package lib\n"})
	c := b.commit("add", map[string]string{"a.env": env(tok), "lib/lib.go": "package lib\n"})
	b.ref("refs/heads/master", c)
	if err := os.Remove(filepath.Join(b.dir, ".git", "objects", gone.String()[:2], gone.String()[2:])); err != nil {
		t.Fatal(err)
	}
	fs, _, st, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := locsOf(fs, tok); len(got) != 1 || got[0].Path != "a.env" {
		t.Errorf("locations %v, want a.env once", got)
	}
	if st.ErrorCount == 0 || !strings.Contains(strings.Join(st.Errors, "\n"), gone.String()) {
		t.Errorf("missing subtree not counted: %d errors %q", st.ErrorCount, st.Errors)
	}
}

// TestLimitMemory checks that LimitMemory sets the soft memory limit for
// the number of scans asked for and puts the previous one back, and leaves
// a limit the user set alone.
func TestLimitMemory(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	for _, tc := range []struct{ scans, want int64 }{{1, ScanMemoryLimit}, {0, ScanMemoryLimit}, {4, 4 * ScanMemoryLimit}} {
		restore := LimitMemory(int(tc.scans))
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("limit for %d scan(s) %d, want %d", tc.scans, got, tc.want)
		}
		restore()
		if got := debug.SetMemoryLimit(-1); got != prev {
			t.Errorf("limit after %d scan(s) %d, want the previous %d", tc.scans, got, prev)
		}
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	LimitMemory(1)()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("with GOMEMLIMIT set the limit became %d, want %d kept", got, prev)
	}
}

// TestScanLeavesMemoryLimitAlone checks that a scan does not touch the
// process-wide limit, which concurrent scans (org) would otherwise set and
// restore out of order.
func TestScanLeavesMemoryLimitAlone(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	const want = 3 << 30
	prev := debug.SetMemoryLimit(want)
	defer debug.SetMemoryLimit(prev)
	tok := fakeToken(32)
	b := newBuilder(t)
	b.ref("refs/heads/master", b.commit("add", map[string]string{"a.env": env(tok)}))
	// Sample the limit for as long as the scan runs.
	stop, seen := make(chan struct{}), make(chan int64)
	go func() {
		var other int64
		for {
			select {
			case <-stop:
				seen <- other
				return
			default:
			}
			if got := debug.SetMemoryLimit(-1); got != want {
				other = got
			}
			runtime.Gosched()
		}
	}()
	_, _, _, err := runScan(t, Options{RepoPath: b.dir})
	close(stop)
	during := <-seen
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != want || during != 0 {
		t.Errorf("memory limit changed by a scan: %d during, %d after, want %d", during, got, want)
	}
}

// TestObjectListsHoldNoPointers keeps the per-object records small and free
// of pointers: one is held for every object for the whole scan, and the
// collector would otherwise scan all of them at every cycle.
func TestObjectListsHoldNoPointers(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(blobItem{}); n != 12 {
		t.Errorf("blobItem is %d bytes, want 12", n)
	}
	for _, v := range []any{blobItem{}, packEntry{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			switch typ.Field(i).Type.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String, reflect.Interface, reflect.Func, reflect.Chan:
				t.Errorf("%s.%s holds a pointer", typ.Name(), typ.Field(i).Name)
			}
		}
	}
}

func TestLimitFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, ScanMemoryLimit},
		{80 << 20, ScanMemoryLimit},
		{100 << 20, 125 << 20},
		{400 << 20, 500 << 20},
	} {
		if got := limitFor(ScanMemoryLimit, tc.live); got != tc.want {
			t.Errorf("limitFor(%d MiB live) = %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// TestLimitMemoryFollowsLiveHeap holds a live heap larger than the limit
// and checks that the limit rises above it, and comes back on restore.
func TestLimitMemoryFollowsLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	prev := debug.SetMemoryLimit(-1)
	restore := LimitMemory(1)
	live := make([][]byte, 0, 160)
	for range 160 {
		live = append(live, make([]byte, 1<<20))
	}
	var got int64
	for range 50 {
		runtime.GC()
		time.Sleep(limitCheckEvery)
		if got = debug.SetMemoryLimit(-1); got > 160<<20 {
			break
		}
	}
	runtime.KeepAlive(live)
	restore()
	if got <= 160<<20 {
		t.Errorf("with 160 MiB live the limit stayed at %d MiB", got>>20)
	}
	if after := debug.SetMemoryLimit(-1); after != prev {
		t.Errorf("limit after restore %d, want the previous %d", after, prev)
	}
}

// TestPackEntrySize keeps the record held for every object of every pack at
// 48 bytes.
func TestPackEntrySize(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(packEntry{}); n != 48 {
		t.Errorf("packEntry is %d bytes, want 48", n)
	}
}

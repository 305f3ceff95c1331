package history

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestTreeStoreRoundTrip keeps the subtree entries of many trees from
// several goroutines, some larger than a chunk, and reads every one back.
func TestTreeStoreRoundTrip(t *testing.T) {
	t.Parallel()
	const trees = 3000
	store := newTreeStore(trees)
	want := make([][]subEntry, trees)
	for i := range trees {
		n, big := i%7, i%1000 == 999
		if big {
			n = 50_000 // entries of 22 bytes: more than a chunk holds
		}
		for j := range n {
			e := subEntry{k: (i + j) % trees, name: fmt.Sprintf("dir%d", j%50)}
			if j%3 == 0 || big {
				e.k, e.hash = -1, plumbing.NewHash(fmt.Sprintf("%040x", i*1000+j))
			}
			want[i] = append(want[i], e)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < trees; i += 4 {
				if i%11 == 5 {
					continue // a tree that failed to read
				}
				var subs []byte
				for _, e := range want[i] {
					subs = store.appendSub(subs, e.k, e.hash[:], []byte(e.name))
				}
				store.keep(i, subs)
			}
		}()
	}
	wg.Wait()
	if len(store.chunks) < 3 {
		t.Errorf("entries fit in %d chunks: the test does not cross chunks", len(store.chunks))
	}
	if len(store.names) != 50 {
		t.Errorf("%d names interned, want the 50 distinct ones", len(store.names))
	}
	for i := range trees {
		if got := store.ok(i); got != (i%11 != 5) {
			t.Fatalf("tree %d: ok %v", i, got)
		}
		var got []subEntry
		store.forEachSub(i, func(e subEntry) { got = append(got, e) })
		if i%11 == 5 {
			if len(got) > 0 {
				t.Fatalf("tree %d failed but has %d entries", i, len(got))
			}
			continue
		}
		if len(got) != len(want[i]) {
			t.Fatalf("tree %d: %d entries read back, want %d", i, len(got), len(want[i]))
		}
		for j := range got {
			if got[j] != want[i][j] {
				t.Fatalf("tree %d entry %d read back as %+v, want %+v", i, j, got[j], want[i][j])
			}
		}
	}
}

func TestRecentIDs(t *testing.T) {
	t.Parallel()
	r := &recentIDs{}
	var zero plumbing.Hash
	if _, ok := r.get(zero[:]); ok {
		t.Fatal("an empty slot answered for the zero id")
	}
	a := plumbing.NewHash("00001234" + strings.Repeat("a", 32))
	b := plumbing.NewHash("ffff1234" + strings.Repeat("b", 32)) // same slot as a
	r.put(a[:], 7)
	if v, ok := r.get(a[:]); !ok || v != 7 {
		t.Fatalf("get(a) = %d, %v; want 7, true", v, ok)
	}
	if _, ok := r.get(b[:]); ok {
		t.Fatal("an id answered for another id in the same slot")
	}
	r.put(b[:], 9)
	if _, ok := r.get(a[:]); ok {
		t.Fatal("an id stayed after another took its slot")
	}
	if v, ok := r.get(b[:]); !ok || v != 9 {
		t.Fatalf("get(b) = %d, %v; want 9, true", v, ok)
	}
}

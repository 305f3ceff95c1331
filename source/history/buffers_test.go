package history

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

func TestBufferPoolReuse(t *testing.T) {
	t.Parallel()
	bp := newBufferPool(1 << 20)
	b := bp.get(10_000)
	if cap(b) < 10_000 || len(b) != 0 {
		t.Fatalf("get(10000) gave len %d cap %d", len(b), cap(b))
	}
	first := &b[:1][0]
	bp.put(b)
	if got := bp.get(9_000); &got[:1][0] != first {
		t.Errorf("a request the held buffer can serve got a new one")
	}
	bp.put(b)
	if got := bp.get(cap(b) + 1); cap(got) <= cap(b) {
		t.Errorf("get(%d) gave capacity %d", cap(b)+1, cap(got))
	}
	if got := bp.get(100); cap(got) < 1<<minBufferClass {
		t.Errorf("a small request got capacity %d, below the smallest class", cap(got))
	}
}

func TestBufferPoolBound(t *testing.T) {
	t.Parallel()
	const bound = 1 << 20
	bp := newBufferPool(bound)
	for i := range 100 {
		bp.put(make([]byte, 0, 50_000+i*1000))
		if bp.held > bound {
			t.Fatalf("after %d puts the pool holds %d bytes, over its bound of %d", i+1, bp.held, bound)
		}
	}
	// The newest buffers stay: the oldest of the fullest class made room.
	if got := bp.get(149_000); cap(got) < 149_000 {
		t.Errorf("the last buffer put was evicted")
	}
	bp.put(make([]byte, 0, 2*bound))
	if bp.held > bound {
		t.Errorf("a buffer larger than the bound was kept")
	}
	sum := 0
	for k, list := range bp.classes {
		n := 0
		for _, b := range list {
			n += cap(b)
		}
		if n != bp.bytesIn[k] {
			t.Errorf("class %d holds %d bytes but counts %d", k, n, bp.bytesIn[k])
		}
		sum += n
	}
	if sum != bp.held {
		t.Errorf("classes hold %d bytes, pool counts %d", sum, bp.held)
	}
}

func TestSharedBufReleasedOnce(t *testing.T) {
	t.Parallel()
	bp := newBufferPool(1 << 20)
	sb := newSharedBuf(make([]byte, 0, 8192))
	c := newLRU(1<<20, bp)
	c.put(cacheKey{nil, 1}, sb)
	got, ok := c.get(cacheKey{nil, 1})
	if !ok || got != sb {
		t.Fatal("cached buffer not found")
	}
	bp.release(got)
	bp.release(sb)
	if bp.held != 0 {
		t.Fatalf("a buffer the cache still holds went back to the pool")
	}
	c.remove(cacheKey{nil, 1})
	if bp.held != 8192 {
		t.Fatalf("the last release left %d bytes in the pool, want 8192", bp.held)
	}
}

// TestObjectsReadAsTheirIDs reads every object of a pack full of long delta
// chains on all cores, with a delta base cache and a buffer pool small
// enough that bases are evicted and buffers recycled all the time, and
// checks each content against its object id: a buffer given back while
// another worker still read it would show up as a content that no longer
// hashes to its id.
func TestObjectsReadAsTheirIDs(t *testing.T) {
	t.Parallel()
	b := newBuilder(t)
	rng := rand.New(rand.NewPCG(3, 3))
	lines := make([]string, 600)
	for i := range lines {
		lines[i] = fmt.Sprintf("const v%d = %d // some padding to make lines longer", i, rng.IntN(1e9))
	}
	b.line(120, func(c int) map[string]string {
		for range 5 {
			lines[rng.IntN(len(lines))] = fmt.Sprintf("const w%d = %d", c, rng.IntN(1e9))
		}
		return map[string]string{
			"big.go":   strings.Join(lines, "\n"),
			"small.go": strings.Join(lines[:40+c%30], "\n"),
			"tiny.txt": fmt.Sprint(c),
		}
	})
	gitCmd(t, b.dir, "repack", "-a", "-d", "-q", "--depth=50", "--window=50")

	db, errs := openObjectDB(dotgit.New(osfs.New(b.dir + "/.git")))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	defer db.close()
	db.buffers = newBufferPool(256 << 10)
	db.cache = newLRU(256<<10, db.buffers)
	deltas := 0
	var items []blobItem
	for k, p := range db.packs {
		for i := range p.entries {
			items = append(items, blobItem{pack: int32(k), i: int32(i), typ: db.entryType(p, i)})
			if p.entries[i].base >= 0 {
				deltas++
			}
		}
	}
	if deltas < 200 {
		t.Fatalf("the pack has only %d deltas: the test would not exercise the cache", deltas)
	}
	var bad, read atomic.Int64
	parallel(context.Background(), items, func(it blobItem) {
		err := db.viewItem(it, func(content []byte) {
			read.Add(1)
			if plumbing.ComputeHash(it.typ, content) != db.hashOf(it) {
				bad.Add(1)
			}
		})
		if err != nil {
			t.Errorf("object %s: %v", db.hashOf(it), err)
		}
	})
	if bad.Load() > 0 || read.Load() != int64(len(items)) {
		t.Fatalf("%d of %d objects read back with content that does not hash to their id (%d read)", bad.Load(), len(items), read.Load())
	}
}

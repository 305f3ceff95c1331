package history

import (
	"encoding/binary"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// treeStore holds the subtree entries of every tree during the tree pass,
// until it is known which trees lead to a matched blob. Entries are packed
// in shared chunks (no allocation per tree) and names are interned: a
// repository repeats the same few thousand directory names in hundreds of
// thousands of trees. Each entry is
//
//	uvarint(k+1) uvarint(name id)          for the subtree items[k] of the pass
//	0 id(20 bytes) uvarint(name id)        for a subtree the pass does not list
//
// about 4 bytes where the name itself took 10 or more. It is safe for
// concurrent use while the pass runs; forEachSub and name are for after it.
type treeStore struct {
	mu     sync.Mutex
	chunks [][]byte
	recs   []treeRec // by index in the pass's items

	namesMu sync.RWMutex
	nameIDs map[string]uint32
	names   []string
}

// treeRec locates the entries of one tree: n bytes at off in chunk. It
// holds no pointer, so the collector does not scan the records.
type treeRec struct {
	chunk, off, n uint32
	ok            bool // read and parsed without error
}

// treeChunkBytes is the size of the chunks entries are packed in.
const treeChunkBytes = 1 << 20

func newTreeStore(trees int) *treeStore {
	return &treeStore{recs: make([]treeRec, trees), nameIDs: map[string]uint32{}}
}

// appendSub appends the entry of a subtree named name to subs: the pass's
// item k, or when k < 0 the tree hash.
func (t *treeStore) appendSub(subs []byte, k int, hash, name []byte) []byte {
	if k >= 0 {
		subs = binary.AppendUvarint(subs, uint64(k)+1)
	} else {
		subs = append(append(subs, 0), hash...)
	}
	return binary.AppendUvarint(subs, uint64(t.nameID(name)))
}

// nameID interns name.
func (t *treeStore) nameID(name []byte) uint32 {
	t.namesMu.RLock()
	id, ok := t.nameIDs[string(name)]
	t.namesMu.RUnlock()
	if ok {
		return id
	}
	t.namesMu.Lock()
	defer t.namesMu.Unlock()
	if id, ok := t.nameIDs[string(name)]; ok {
		return id
	}
	s := string(name)
	id = uint32(len(t.names))
	t.names = append(t.names, s)
	t.nameIDs[s] = id
	return id
}

// keep records subs as the entries of tree i, read without error.
func (t *treeStore) keep(i int, subs []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last])+len(subs) > cap(t.chunks[last]) {
		t.chunks = append(t.chunks, make([]byte, 0, max(treeChunkBytes, len(subs))))
		last++
	}
	c := t.chunks[last]
	t.recs[i] = treeRec{chunk: uint32(last), off: uint32(len(c)), n: uint32(len(subs)), ok: true}
	t.chunks[last] = append(c, subs...)
}

// ok reports whether tree i was read and parsed without error.
func (t *treeStore) ok(i int) bool { return t.recs[i].ok }

// subEntry is one decoded subtree entry: k is its index in the pass's
// items, or -1 with hash set.
type subEntry struct {
	k    int
	hash plumbing.Hash
	name string
}

// forEachSub calls fn with each subtree entry of tree i.
func (t *treeStore) forEachSub(i int, fn func(subEntry)) {
	r := t.recs[i]
	if !r.ok {
		return
	}
	b := t.chunks[r.chunk][r.off : r.off+r.n]
	for len(b) > 0 {
		var e subEntry
		v, n := binary.Uvarint(b)
		b = b[n:]
		e.k = int(v) - 1
		if v == 0 {
			e.hash, b = plumbing.Hash(b[:20]), b[20:]
		}
		id, n := binary.Uvarint(b)
		b = b[n:]
		e.name = t.names[id]
		fn(e)
	}
}

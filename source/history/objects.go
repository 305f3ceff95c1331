package history

import (
	"bufio"
	"bytes"

	"container/list"
	"fmt"
	"io"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/klauspost/compress/zlib"
)

// lookup finds h in the packs.
func (db *objectDB) lookup(h plumbing.Hash) (*pack, int) {
	for _, p := range db.packs {
		if i := p.findHash(h); i >= 0 {
			return p, i
		}
	}
	return nil, -1
}

// entryType returns the resolved type of entry i of p, following a
// REF_DELTA base into another pack or the loose store when needed.
func (db *objectDB) entryType(p *pack, i int) plumbing.ObjectType {
	e := &p.entries[i]
	ref, ok := p.refBases[int32(i)]
	if e.typ != plumbing.InvalidObject || e.raw != plumbing.REFDeltaObject || !ok {
		return e.typ
	}
	if q, j := db.lookup(ref); q != nil && q != p {
		return db.entryType(q, j)
	}
	if t, _, err := db.looseHeader(ref); err == nil {
		return t
	}
	return plumbing.InvalidObject
}

type cacheKey struct {
	p *pack
	i int
}

// content returns the whole content of entry i of p, resolving deltas.
func (db *objectDB) content(p *pack, i int, depth int) ([]byte, error) {
	if depth > maxDeltaDepth {
		return nil, fmt.Errorf("%w: delta chain too deep", errCorrupt)
	}
	key := cacheKey{p, i}
	if b, ok := db.cache.get(key); ok {
		return b, nil
	}
	e := &p.entries[i]
	var out []byte
	switch e.raw {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		b, err := db.inflate(p, e, e.size)
		if err != nil {
			return nil, err
		}
		out = b
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		var base []byte
		var err error
		switch {
		case e.base >= 0:
			base, err = db.content(p, int(e.base), depth+1)
			if err == nil && p.entries[e.base].pending.Add(-1) <= 0 {
				db.cache.remove(cacheKey{p, int(e.base)})
			}
		case p.refBases[int32(i)] != plumbing.ZeroHash:
			base, err = db.contentByHash(p.refBases[int32(i)], depth+1)
		default:
			err = errCorrupt
		}
		if err != nil {
			return nil, err
		}
		if err := checkSize(e); err != nil {
			return nil, err
		}
		buf := db.scratch(e.size)
		delta, err := db.inflateInto(p, e, *buf)
		if err != nil {
			db.spool.Put(buf)
			return nil, err
		}
		out, err = applyDelta(base, delta, nil)
		db.spool.Put(buf)
		if err != nil {
			return nil, fmt.Errorf("failed to apply delta: %w", err)
		}
	default:
		return nil, errCorrupt
	}
	if e.pending.Load() > 0 {
		db.cache.put(key, out)
	}
	return out, nil
}

// contentByHash returns an object's content from any pack or the loose
// store.
func (db *objectDB) contentByHash(h plumbing.Hash, depth int) ([]byte, error) {
	if p, i := db.lookup(h); p != nil {
		return db.content(p, i, depth)
	}
	_, b, err := db.loose(h)
	return b, err
}

// object returns the type and content of h.
func (db *objectDB) object(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if p, i := db.lookup(h); p != nil {
		t := db.entryType(p, i)
		b, err := db.content(p, i, 0)
		return t, b, err
	}
	return db.loose(h)
}

func (db *objectDB) zreader(r io.Reader) (io.ReadCloser, error) {
	if z, ok := db.zpool.Get().(io.ReadCloser); ok {
		if err := z.(zlib.Resetter).Reset(r, nil); err != nil {
			return nil, err
		}
		return z, nil
	}
	return zlib.NewReader(r)
}

// stream returns a reader of the compressed data of e; close it to return
// its buffers.
func (db *objectDB) stream(p *pack, e *packEntry) (io.ReadCloser, error) {
	if e.dataOff() == 0 || e.end <= e.dataOff() {
		return nil, errCorrupt
	}
	comp := e.end - e.dataOff()
	if e.size > comp*maxZlibRatio+64 {
		return nil, fmt.Errorf("%w: size %d from %d compressed bytes", errCorrupt, e.size, comp)
	}
	if p.data != nil {
		// A bytes.Reader is an io.ByteReader: flate reads it directly.
		z, err := db.zreader(bytes.NewReader(p.data[e.dataOff():e.end]))
		if err != nil {
			return nil, err
		}
		return &zstream{z: z, db: db, left: e.size}, nil
	}
	br, _ := db.bpool.Get().(*bufio.Reader)
	sr := io.NewSectionReader(p.r, e.dataOff(), comp)
	if br == nil {
		br = bufio.NewReaderSize(sr, 64<<10)
	} else {
		br.Reset(sr)
	}
	z, err := db.zreader(br)
	if err != nil {
		db.bpool.Put(br)
		return nil, err
	}
	return &zstream{z: z, br: br, db: db, left: e.size}, nil
}

// zstream yields exactly the header's size, so a corrupt stream that
// inflates to more cannot grow without bound.
type zstream struct {
	z    io.ReadCloser
	br   *bufio.Reader
	db   *objectDB
	left int64
}

func (s *zstream) Read(b []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > s.left {
		b = b[:s.left]
	}
	n, err := s.z.Read(b)
	s.left -= int64(n)
	if err == io.EOF && s.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err == io.EOF || s.left == 0 {
		return n, nil
	}
	return n, err
}

func (s *zstream) Close() error {
	if s.z != nil {
		s.db.zpool.Put(s.z)
		if s.br != nil {
			s.db.bpool.Put(s.br)
		}
		s.z = nil
	}
	return nil
}

func (db *objectDB) inflate(p *pack, e *packEntry, size int64) ([]byte, error) {
	if err := checkSize(e); err != nil {
		return nil, err
	}
	return db.inflateInto(p, e, make([]byte, 0, size))
}

// checkSize refuses a header whose size the compressed data cannot hold
// (deflate expands at most about 1032:1), before anything is allocated.
func checkSize(e *packEntry) error {
	comp := e.end - e.dataOff()
	if e.dataOff() == 0 || comp <= 0 || e.size > comp*maxZlibRatio+64 || e.size > maxInMemory {
		return fmt.Errorf("%w: size %d from %d compressed bytes", errCorrupt, e.size, comp)
	}
	return nil
}

// scratch returns a pooled buffer of at least n bytes; put it back in
// db.spool when done. Reusing buffers for transient objects (deltas, trees
// and commits read once) keeps the garbage collector out of the hot path.
func (db *objectDB) scratch(n int64) *[]byte {
	b, _ := db.spool.Get().(*[]byte)
	if b == nil {
		b = new([]byte)
	}
	if int64(cap(*b)) < n {
		*b = make([]byte, 0, n)
	}
	return b
}

// inflateInto inflates e into buf (whose capacity must hold e.size).
func (db *objectDB) inflateInto(p *pack, e *packEntry, buf []byte) ([]byte, error) {
	if e.size > maxInMemory {
		return nil, fmt.Errorf("object of %d bytes is too large to hold in memory", e.size)
	}
	r, err := db.stream(p, e)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := buf[:e.size]
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("failed to inflate: %w", err)
	}
	return out, nil
}

// view calls fn with the content of entry i of p. Plain objects no delta
// needs are inflated into a pooled buffer that fn must not keep.
func (db *objectDB) view(p *pack, i int, fn func([]byte)) error {
	e := &p.entries[i]
	if (e.raw == plumbing.OFSDeltaObject || e.raw == plumbing.REFDeltaObject) && e.pending.Load() == 0 && e.base >= 0 {
		// A delta nothing else builds on: its result goes into a pooled
		// buffer too; only its base comes from (and goes to) the cache.
		base, err := db.content(p, int(e.base), 1)
		if err != nil {
			return err
		}
		if p.entries[e.base].pending.Add(-1) <= 0 {
			db.cache.remove(cacheKey{p, int(e.base)})
		}
		if err := checkSize(e); err != nil {
			return err
		}
		dbuf := db.scratch(e.size)
		defer db.spool.Put(dbuf)
		delta, err := db.inflateInto(p, e, *dbuf)
		if err != nil {
			return err
		}
		_, size, rest, err := deltaSizes(delta)
		if err != nil {
			return err
		}
		if size > int64(len(rest))*0x10000 {
			return errBadDelta
		}
		obuf := db.scratch(min(size, maxInMemory))
		defer db.spool.Put(obuf)
		out, err := applyDelta(base, delta, *obuf)
		if err != nil {
			return fmt.Errorf("failed to apply delta: %w", err)
		}
		fn(out)
		return nil
	}
	switch e.raw {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		if e.pending.Load() == 0 {
			if err := checkSize(e); err != nil {
				return err
			}
			buf := db.scratch(e.size)
			defer db.spool.Put(buf)
			b, err := db.inflateInto(p, e, *buf)
			if err != nil {
				return err
			}
			fn(b)
			return nil
		}
	}
	b, err := db.content(p, i, 0)
	if err != nil {
		return err
	}
	fn(b)
	return nil
}

// looseHeader returns the type and size of a loose object.
func (db *objectDB) looseHeader(h plumbing.Hash) (plumbing.ObjectType, int64, error) {
	f, err := db.dg.Object(h)
	if err != nil {
		return plumbing.InvalidObject, 0, err
	}
	defer f.Close()
	r, err := objfile.NewReader(f)
	if err != nil {
		return plumbing.InvalidObject, 0, err
	}
	defer r.Close()
	return r.Header()
}

// openLoose returns a reader of a loose object's content.
func (db *objectDB) openLoose(h plumbing.Hash) (plumbing.ObjectType, int64, io.ReadCloser, error) {
	f, err := db.dg.Object(h)
	if err != nil {
		return plumbing.InvalidObject, 0, nil, err
	}
	r, err := objfile.NewReader(f)
	if err != nil {
		f.Close()
		return plumbing.InvalidObject, 0, nil, err
	}
	t, size, err := r.Header()
	if err != nil {
		r.Close()
		f.Close()
		return plumbing.InvalidObject, 0, nil, err
	}
	return t, size, &looseReader{r: io.LimitReader(r, size), closers: []io.Closer{r, f}}, nil
}

type looseReader struct {
	r       io.Reader
	closers []io.Closer
}

func (l *looseReader) Read(b []byte) (int, error) { return l.r.Read(b) }
func (l *looseReader) Close() error {
	for _, c := range l.closers {
		c.Close()
	}
	return nil
}

func (db *objectDB) loose(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	t, size, r, err := db.openLoose(h)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, err)
	}
	defer r.Close()
	if size > maxInMemory {
		return t, nil, fmt.Errorf("object %s of %d bytes is too large to hold in memory", h, size)
	}
	var buf bytes.Buffer
	buf.Grow(int(size))
	if _, err := io.Copy(&buf, r); err != nil {
		return t, nil, fmt.Errorf("failed to read object %s: %w", h, err)
	}
	return t, buf.Bytes(), nil
}

// lru is a byte-bounded least-recently-used cache of object contents.
type lru struct {
	mu    sync.Mutex
	max   int
	used  int
	order *list.List
	items map[cacheKey]*list.Element
}

type lruItem struct {
	key cacheKey
	val []byte
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *lru) get(k cacheKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruItem).val, true
	}
	return nil, false
}

func (c *lru) put(k cacheKey, v []byte) {
	if len(v) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.order.PushFront(&lruItem{k, v})
	c.used += len(v)
	for c.used > c.max {
		el := c.order.Back()
		it := el.Value.(*lruItem)
		c.order.Remove(el)
		delete(c.items, it.key)
		c.used -= len(it.val)
	}
}

func (c *lru) remove(k cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.Remove(el)
		delete(c.items, k)
		c.used -= len(el.Value.(*lruItem).val)
	}
}

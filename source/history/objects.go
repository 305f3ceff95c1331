package history

import (
	"bufio"
	"bytes"

	"container/list"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/klauspost/compress/zlib"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// find returns the index in db.packs of the first pack holding h and the
// entry of h in it, or -1, -1.
func (db *objectDB) find(h plumbing.Hash) (k, i int) {
	for k, p := range db.packs {
		if i := p.findHash(h); i >= 0 {
			return k, i
		}
	}
	return -1, -1
}

// lookup finds h in the packs.
func (db *objectDB) lookup(h plumbing.Hash) (*pack, int) {
	if k, i := db.find(h); k >= 0 {
		return db.packs[k], i
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

// content returns the whole content of entry i of p, resolving deltas, with
// one reference that the caller owns: release it with db.buffers.release
// once done, or keep the bytes and never release it.
func (db *objectDB) content(p *pack, i int, depth int) (*sharedBuf, error) {
	if depth > maxDeltaDepth {
		return nil, fmt.Errorf("%w: delta chain too deep", errCorrupt)
	}
	key := cacheKey{p, i}
	if sb, ok := db.cache.get(key); ok {
		return sb, nil
	}
	e := &p.entries[i]
	var out []byte
	switch e.raw {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		if err := checkSize(p, i); err != nil {
			return nil, err
		}
		buf := db.buffers.get(int(e.size))
		b, err := db.inflateInto(p, i, buf)
		if err != nil {
			db.buffers.put(buf)
			return nil, err
		}
		out = b
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		var base *sharedBuf
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
		out, err = db.applyEntry(p, i, base.b)
		db.buffers.release(base)
		if err != nil {
			return nil, err
		}
	default:
		return nil, errCorrupt
	}
	sb := newSharedBuf(out)
	if e.pending.Load() > 0 {
		db.cache.put(key, sb)
	}
	return sb, nil
}

// applyEntry inflates the delta entry i of p and applies it to base, into
// a buffer of db.buffers that the caller owns.
func (db *objectDB) applyEntry(p *pack, i int, base []byte) ([]byte, error) {
	if err := checkSize(p, i); err != nil {
		return nil, err
	}
	dbuf := db.buffers.get(int(p.entries[i].size))
	defer db.buffers.put(dbuf)
	delta, err := db.inflateInto(p, i, dbuf)
	if err != nil {
		return nil, err
	}
	_, size, rest, err := deltaSizes(delta)
	if err != nil {
		return nil, fmt.Errorf("failed to apply delta: %w", err)
	}
	// One command byte yields at most 64 KiB: refuse a larger claim
	// before taking a buffer for it.
	if size > int64(len(rest))*0x10000 || size > maxInMemory {
		return nil, fmt.Errorf("failed to apply delta: %w", errBadDelta)
	}
	out, err := applyDelta(base, delta, db.buffers.get(int(size)))
	if err != nil {
		return nil, fmt.Errorf("failed to apply delta: %w", err)
	}
	return out, nil
}

// contentByHash returns an object's content from any pack or the loose
// store, with one reference the caller owns, as content does.
func (db *objectDB) contentByHash(h plumbing.Hash, depth int) (*sharedBuf, error) {
	if p, i := db.lookup(h); p != nil {
		return db.content(p, i, depth)
	}
	_, b, err := db.loose(h)
	if err != nil {
		return nil, err
	}
	return newSharedBuf(b), nil
}

// object returns the type and content of h, which the caller may keep.
func (db *objectDB) object(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if p, i := db.lookup(h); p != nil {
		t := db.entryType(p, i)
		sb, err := db.content(p, i, 0)
		if err != nil {
			return t, nil, err
		}
		return t, sb.b, nil
	}
	return db.loose(h)
}

// stream returns a reader of the inflated data of entry i of p; close it
// to give its buffers back.
func (db *objectDB) stream(p *pack, i int) (io.ReadCloser, error) {
	e := &p.entries[i]
	end := p.end(i)
	if e.dataOff() == 0 || end <= e.dataOff() {
		return nil, errCorrupt
	}
	comp := end - e.dataOff()
	if e.size > comp*maxZlibRatio+64 {
		return nil, fmt.Errorf("%w: size %d from %d compressed bytes", errCorrupt, e.size, comp)
	}
	s := db.streams.Get()
	s.pool = db.streams
	var src io.Reader
	if p.data != nil {
		// A bytes.Reader is an io.ByteReader: flate reads it directly.
		s.mapped.Reset(p.data[e.dataOff():end])
		src = &s.mapped
	} else {
		sr := io.NewSectionReader(p.r, e.dataOff(), comp)
		if s.br == nil {
			s.br = bufio.NewReaderSize(sr, 64<<10)
		} else {
			s.br.Reset(sr)
		}
		src = s.br
	}
	var err error
	if s.z == nil {
		s.z, err = zlib.NewReader(src)
	} else {
		err = s.z.(zlib.Resetter).Reset(src, nil)
	}
	if err != nil {
		s.release()
		return nil, err
	}
	s.left, s.open = e.size, true
	return s, nil
}

// zstream inflates one object. It yields exactly the header's size, so a
// corrupt stream that inflates to more cannot grow without bound.
type zstream struct {
	z      io.ReadCloser // a zlib reader, reset for each object
	mapped bytes.Reader  // the object's bytes of a mapped pack
	br     *bufio.Reader // the object's bytes of a pack read with pread
	left   int64
	open   bool
	pool   *freelist.List[*zstream]
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

// Close gives the stream back to its pool; it must not be used after.
func (s *zstream) Close() error {
	if s.open {
		s.open = false
		s.release()
	}
	return nil
}

// release drops the stream's hold on the pack's bytes and gives it back
// to its pool.
func (s *zstream) release() {
	s.mapped.Reset(nil)
	if s.br != nil {
		s.br.Reset(nil)
	}
	s.pool.Put(s)
}

// maxFreeStreams bounds the inflaters kept for reuse (about 40 KiB of
// window and tables each, which a new one must allocate and set up): a
// worker holds at most two at once (a blob and the delta it builds on),
// and there are rarely more than 32 workers.
const maxFreeStreams = 64

// checkSize refuses a header of entry i of p whose size the compressed
// data cannot hold (deflate expands at most about 1032:1), before anything
// is allocated.
func checkSize(p *pack, i int) error {
	e := &p.entries[i]
	comp := p.end(i) - e.dataOff()
	if e.dataOff() == 0 || comp <= 0 || e.size > comp*maxZlibRatio+64 || e.size > maxInMemory {
		return fmt.Errorf("%w: size %d from %d compressed bytes", errCorrupt, e.size, comp)
	}
	return nil
}

// inflateInto inflates entry i of p into buf (whose capacity must hold
// its size).
func (db *objectDB) inflateInto(p *pack, i int, buf []byte) ([]byte, error) {
	e := &p.entries[i]
	if e.size > maxInMemory {
		return nil, fmt.Errorf("object of %d bytes is too large to hold in memory", e.size)
	}
	r, err := db.stream(p, i)
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

// view calls fn with the content of entry i of p, which fn must not keep.
// Objects no delta needs are built in a pooled buffer; only the bases come
// from (and go to) the cache.
func (db *objectDB) view(p *pack, i int, fn func([]byte)) error {
	e := &p.entries[i]
	if e.pending.Load() == 0 {
		var out []byte
		built := false
		switch e.raw {
		case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
			if e.base < 0 {
				break
			}
			base, err := db.content(p, int(e.base), 1)
			if err != nil {
				return err
			}
			if p.entries[e.base].pending.Add(-1) <= 0 {
				db.cache.remove(cacheKey{p, int(e.base)})
			}
			out, err = db.applyEntry(p, i, base.b)
			db.buffers.release(base)
			if err != nil {
				return err
			}
			built = true
		case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
			if err := checkSize(p, i); err != nil {
				return err
			}
			buf := db.buffers.get(int(e.size))
			b, err := db.inflateInto(p, i, buf)
			if err != nil {
				db.buffers.put(buf)
				return err
			}
			out, built = b, true
		}
		if built {
			fn(out)
			db.buffers.put(out)
			return nil
		}
	}
	sb, err := db.content(p, i, 0)
	if err != nil {
		return err
	}
	fn(sb.b)
	db.buffers.release(sb)
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

// lru is a least-recently-used cache of object contents bounded in bytes
// of capacity. It holds one reference to each buffer and releases it to
// pool when the buffer leaves.
type lru struct {
	mu  sync.Mutex
	max int
	// used is written under mu; free reads it without.
	used  atomic.Int64
	pool  *bufferPool
	order *list.List
	items map[cacheKey]*list.Element
}

type lruItem struct {
	key cacheKey
	val *sharedBuf
}

func newLRU(max int, pool *bufferPool) *lru {
	return &lru{max: max, pool: pool, order: list.New(), items: map[cacheKey]*list.Element{}}
}

// get returns the buffer cached under k with a new reference, the
// caller's.
func (c *lru) get(k cacheKey) (*sharedBuf, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		sb := el.Value.(*lruItem).val
		sb.refs.Add(1)
		return sb, true
	}
	return nil, false
}

// put caches v under k with a reference of its own, unless k is cached
// already or v is too large to share the cache with others.
func (c *lru) put(k cacheKey, v *sharedBuf) {
	if cap(v.b) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	v.refs.Add(1)
	c.items[k] = c.order.PushFront(&lruItem{k, v})
	c.used.Add(int64(cap(v.b)))
	for c.used.Load() > int64(c.max) {
		c.drop(c.order.Back())
	}
}

// remove drops k from the cache.
func (c *lru) remove(k cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.drop(el)
	}
}

// drop removes el and releases the cache's reference; c.mu is held.
func (c *lru) drop(el *list.Element) {
	it := el.Value.(*lruItem)
	c.order.Remove(el)
	delete(c.items, it.key)
	c.used.Add(-int64(cap(it.val.b)))
	c.pool.release(it.val)
}

// free returns the bytes of capacity the cache could take before it is
// full.
func (c *lru) free() int { return max(c.max-int(c.used.Load()), 0) }

package history

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// Limits that keep a corrupt or hostile pack from exhausting memory.
const (
	// maxInMemory is the largest object held whole in memory (delta bases
	// and delta results must be); larger plain blobs are streamed.
	maxInMemory = 512 << 20
	// maxZlibRatio bounds inflated size / compressed size: deflate cannot
	// exceed about 1032:1, so a header claiming more is corrupt.
	maxZlibRatio = 1040
	// maxDeltaDepth bounds delta chains (git's default is 50) so that a
	// REF_DELTA cycle in a corrupt pack cannot recurse forever.
	maxDeltaDepth = 10000
	// The delta base cache shared by the workers holds cacheBaseBytes
	// plus cacheWorkerBytes per worker: the bases in use move with the
	// workers through the pack, one batch each, and a base leaves as soon
	// as its last delta is built, so the cache needs room for what each
	// worker's batch still has pending, not for the history.
	cacheBaseBytes   = 24 << 20
	cacheWorkerBytes = 8 << 20
	// Free buffers kept for reuse may take what the delta base cache
	// leaves of its bound, plus poolReserveBytes: the pool fills as the
	// cache empties, so that the two together stay near the cache's bound.
	poolReserveBytes = 8 << 20
)

// cacheBytes is the delta base cache bound for workers workers: 40 MiB on
// 2 cores, 88 MiB on 8, never more than 192 MiB.
func cacheBytes(workers int) int {
	return min(cacheBaseBytes+cacheWorkerBytes*workers, 192<<20)
}

var errCorrupt = errors.New("corrupt object")

// packEntry is one object of a pack, as read from its index and header.
//
// One is held for every object of every pack for the whole scan, so its
// fields are ordered to pack into 48 bytes: a REF_DELTA's base id, rare in
// packs git writes, lives in pack.refBases instead, and where its stream
// ends is the next entry's offset (pack.end).
type packEntry struct {
	hash plumbing.Hash
	// raw is the header's type (possibly a delta); typ is the resolved
	// type: the base's type for deltas; Invalid when the header or chain
	// is corrupt.
	raw, typ plumbing.ObjectType
	// hdrLen is the length of the object's header (0 until it is read):
	// its zlib stream starts at offset+hdrLen.
	hdrLen uint8
	// offset is where the object's header starts.
	offset int64
	// size is the header's size (the delta's size for deltas).
	size int64
	// base is the index of the delta base in the same pack, or -1.
	base int32
	// pending counts deltas that still need this object as a base, so the
	// cache can drop it as soon as the last one is built.
	pending atomic.Int32
}

// end returns where the stream of entry i ends: at the next object, or
// at the trailer. A truncated pack's index still names offsets past its
// end, so neither is past the trailer.
func (p *pack) end(i int) int64 {
	trailer := p.size - 20
	if i+1 < len(p.entries) {
		return min(p.entries[i+1].offset, trailer)
	}
	return trailer
}

// dataOff returns where the object's zlib stream starts, or 0 when its
// header was not read.
func (e *packEntry) dataOff() int64 {
	if e.hdrLen == 0 {
		return 0
	}
	return e.offset + int64(e.hdrLen)
}

// pack is one packfile opened for concurrent reads (ReadAt is pread).
type pack struct {
	id     plumbing.Hash
	r      io.ReaderAt
	closer io.Closer
	size   int64
	// idx is the decoded index, dropped once load has copied what it needs:
	// go-git's index also remembers every offset it was asked for, which
	// over a long scan grows into a second copy of it.
	idx     *idxfile.MemoryIndex
	entries []packEntry // sorted by offset
	// byHash lists the entry indexes in object id order, for findHash.
	byHash []int32
	// refBases holds, by entry index, the ids of REF_DELTA bases stored
	// outside this pack; it is written only while the pack is loaded.
	refBases map[int32]plumbing.Hash
	// data is the mapped pack, nil where mmap is unavailable.
	data []byte
}

type closer func() error

func (c closer) Close() error { return c() }

// objectDB reads objects from the packs and loose store of one repository
// with a bounded delta base cache; it is safe for concurrent use.
type objectDB struct {
	dg    *dotgit.DotGit
	packs []*pack
	cache *lru
	// buffers holds the buffers of objects built and dropped, for the
	// next ones: bases, deltas and the versions built from them.
	buffers *bufferPool
	streams *freelist.List[*zstream]
	// looseIDs are the ids of the loose objects listed, which blobItems
	// name by index.
	looseMu  sync.Mutex
	looseIDs []plumbing.Hash
}

func openObjectDB(dg *dotgit.DotGit) (*objectDB, []error) {
	db := &objectDB{dg: dg, buffers: &bufferPool{}, streams: freelist.New(maxFreeStreams, func() *zstream { return &zstream{} })}
	db.cache = newLRU(cacheBytes(runtime.GOMAXPROCS(0)), db.buffers)
	db.buffers.bound = func() int { return poolReserveBytes + db.cache.free() }
	var errs []error
	ids, err := dg.ObjectPacks()
	if err != nil {
		return db, []error{fmt.Errorf("failed to list packs: %w", err)}
	}
	for _, id := range ids {
		p, err := openPack(dg, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		db.packs = append(db.packs, p)
	}
	return db, errs
}

func (db *objectDB) close() {
	for _, p := range db.packs {
		p.closer.Close()
	}
}

func openPack(dg *dotgit.DotGit, id plumbing.Hash) (*pack, error) {
	name := "pack-" + id.String()
	fi, err := dg.ObjectPackIdx(id)
	if err != nil {
		return nil, fmt.Errorf("failed to open %s.idx: %w", name, err)
	}
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(bufio.NewReader(fi)).Decode(idx)
	fi.Close()
	if err != nil {
		return nil, fmt.Errorf("failed to read %s.idx: %w", name, err)
	}
	f, err := dg.ObjectPack(id)
	if err != nil {
		return nil, fmt.Errorf("failed to open %s.pack: %w", name, err)
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("failed to read %s.pack: %w", name, err)
	}
	p := &pack{id: id, r: f, closer: f, size: size, idx: idx}
	p.mmap(f, dg.Fs().Root())
	if err := p.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("failed to read %s.pack: %w", name, err)
	}
	return p, nil
}

// mmap maps the pack when the platform allows it. billy wraps the os.File
// (a chroot file hides Fd), so the absolute name is opened again.
func (p *pack) mmap(f io.Closer, root string) {
	named, ok := f.(interface{ Name() string })
	if !ok {
		return
	}
	name := named.Name()
	if !filepath.IsAbs(name) {
		name = filepath.Join(root, name)
	}
	osf, err := os.Open(name)
	if err != nil {
		return
	}
	if fi, err := osf.Stat(); err != nil || fi.Size() != p.size {
		// Not the same file (a worktree's objects live in the common
		// directory): keep reading through billy.
		osf.Close()
		return
	}
	data, unmap, err := mmapFile(osf.Fd(), p.size)
	osf.Close() // the mapping outlives the descriptor
	if err != nil {
		return
	}
	p.data = data
	p.r = bytes.NewReader(data)
	p.closer = closer(func() error { return errors.Join(unmap(), f.Close()) })
}

// load reads every object header in one sequential pass and resolves the
// type of every delta chain without inflating anything.
func (p *pack) load() error {
	if err := p.loadIndex(); err != nil {
		return err
	}
	trailer := p.size - 20
	br := bufio.NewReaderSize(io.NewSectionReader(p.r, 0, p.size), 1<<20)
	var pos int64
	for i := range p.entries {
		e := &p.entries[i]
		if e.offset < pos || e.offset >= trailer {
			continue // typ stays invalid: counted when used
		}
		var hdr io.ByteReader = br
		if p.data != nil {
			// Mapped: read the header in place instead of copying the
			// whole pack through a buffer.
			hdr = bytes.NewReader(p.data[e.offset:trailer])
		} else if _, err := br.Discard(int(e.offset - pos)); err != nil {
			return err
		}
		pos = e.offset
		hdrLen, err := p.parseHeader(hdr, i, e)
		pos += hdrLen
		if err != nil || hdrLen > 255 {
			e.raw = plumbing.InvalidObject
			continue
		}
		e.hdrLen = uint8(hdrLen)
	}
	for i := range p.entries {
		p.resolveType(i, 0)
	}
	for i := range p.entries {
		if b := p.entries[i].base; b >= 0 {
			p.entries[b].pending.Add(1)
		}
	}
	return nil
}

// parseHeader reads the header of entry i, e, from br and returns its
// length in bytes.
func (p *pack) parseHeader(br io.ByteReader, i int, e *packEntry) (int64, error) {
	var n int64
	next := func() (byte, error) {
		c, err := br.ReadByte()
		if err == nil {
			n++
		}
		return c, err
	}
	c, err := next()
	if err != nil {
		return n, err
	}
	e.raw = plumbing.ObjectType((c >> 4) & 7)
	size := int64(c & 15)
	shift := uint(4)
	for c&0x80 != 0 {
		if c, err = next(); err != nil {
			return n, err
		}
		if shift > 56 {
			return n, errCorrupt
		}
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	if size < 0 {
		return n, errCorrupt
	}
	e.size = size
	switch e.raw {
	case plumbing.OFSDeltaObject:
		if c, err = next(); err != nil {
			return n, err
		}
		off := int64(c & 0x7f)
		for c&0x80 != 0 {
			if c, err = next(); err != nil {
				return n, err
			}
			if off > 1<<48 {
				return n, errCorrupt
			}
			off = ((off + 1) << 7) | int64(c&0x7f)
		}
		b := p.find(e.offset - off)
		if off <= 0 || b < 0 {
			return n, errCorrupt
		}
		e.base = int32(b)
	case plumbing.REFDeltaObject:
		var h plumbing.Hash
		for i := range h {
			if h[i], err = next(); err != nil {
				return n, err
			}
		}
		if b := p.findHash(h); b >= 0 {
			e.base = int32(b)
			return n, nil
		}
		if p.refBases == nil {
			p.refBases = map[int32]plumbing.Hash{}
		}
		p.refBases[int32(i)] = h
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	default:
		return n, errCorrupt
	}
	return n, nil
}

// loadIndex fills p.entries (ids and offsets, sorted by offset) and
// p.byHash from p.idx, then drops p.idx.
func (p *pack) loadIndex() error {
	idx := p.idx
	p.idx = nil
	n := 0
	for b := range 256 {
		if k := idx.FanoutMapping[b]; k >= 0 && k < len(idx.Offset32) {
			n += len(idx.Offset32[k]) / 4
		}
	}
	p.entries = make([]packEntry, n)
	order := make([]int32, n) // entry index -> position in id order
	i := 0
	for b := range 256 {
		k := idx.FanoutMapping[b]
		if k < 0 || k >= len(idx.Offset32) {
			continue
		}
		names, offs := idx.Names[k], idx.Offset32[k]
		if len(names) < len(offs)/4*20 {
			return fmt.Errorf("%w: index names and offsets disagree", errCorrupt)
		}
		for j := 0; j < len(offs)/4; j++ {
			off := uint64(binary.BigEndian.Uint32(offs[4*j:]))
			if off&(1<<31) != 0 {
				// A 64-bit offset, stored in a table of its own.
				at := 8 * (off &^ (1 << 31))
				if at+8 > uint64(len(idx.Offset64)) {
					return fmt.Errorf("%w: 64-bit offset out of range in the index", errCorrupt)
				}
				off = binary.BigEndian.Uint64(idx.Offset64[at:])
			}
			e := &p.entries[i]
			copy(e.hash[:], names[20*j:])
			e.offset = int64(off)
			e.base = -1
			order[i] = int32(i)
			i++
		}
	}
	// Sort entries by offset, carrying each one's position in id order.
	sort.Sort(byOffset{p.entries, order})
	p.byHash = make([]int32, n)
	for e, pos := range order {
		p.byHash[pos] = int32(e)
	}
	for j := 1; j < n; j++ {
		if bytes.Compare(p.entries[p.byHash[j-1]].hash[:], p.entries[p.byHash[j]].hash[:]) >= 0 {
			return fmt.Errorf("%w: index ids out of order", errCorrupt)
		}
	}
	return nil
}

// byOffset sorts pack entries by offset together with a parallel slice.
type byOffset struct {
	e []packEntry
	o []int32
}

func (b byOffset) Len() int           { return len(b.e) }
func (b byOffset) Less(i, j int) bool { return b.e[i].offset < b.e[j].offset }
func (b byOffset) Swap(i, j int) {
	b.e[i].hash, b.e[j].hash = b.e[j].hash, b.e[i].hash
	b.e[i].offset, b.e[j].offset = b.e[j].offset, b.e[i].offset
	b.o[i], b.o[j] = b.o[j], b.o[i]
}

// findHash returns the index of the entry with id h, or -1.
func (p *pack) findHash(h plumbing.Hash) int {
	i, ok := sort.Find(len(p.byHash), func(j int) int {
		return bytes.Compare(h[:], p.entries[p.byHash[j]].hash[:])
	})
	if !ok {
		return -1
	}
	return int(p.byHash[i])
}

// find returns the index of the entry at offset, or -1.
func (p *pack) find(offset int64) int {
	i := sort.Search(len(p.entries), func(i int) bool { return p.entries[i].offset >= offset })
	if i < len(p.entries) && p.entries[i].offset == offset {
		return i
	}
	return -1
}

// resolveType sets the type of entry i, following delta chains; bases
// stored outside the pack are resolved later by the objectDB.
func (p *pack) resolveType(i, depth int) plumbing.ObjectType {
	e := &p.entries[i]
	if e.typ != plumbing.InvalidObject || depth > maxDeltaDepth {
		return e.typ
	}
	switch e.raw {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		e.typ = e.raw
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		if e.base >= 0 {
			e.typ = p.resolveType(int(e.base), depth+1)
		}
	}
	return e.typ
}

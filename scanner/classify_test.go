package scanner

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// classifiers lists every classifier this build can run: the plain Go one
// everywhere, and the vectorised one where the CPU has it.
func classifiers() map[string]classifier {
	all := map[string]classifier{"generic": classifyGeneric}
	for _, c := range vectorClassifiers() {
		all[c.name] = c.classify
	}
	return all
}

// checkClassifiers asserts that every classifier builds the masks the
// byte-wise definition gives for buf.
func checkClassifiers(t *testing.T, buf []byte) {
	t.Helper()
	want := &byteMasks{n: len(buf), b64: make([]uint64, (len(buf)+63)/64), anchors: make([]uint64, (len(buf)+63)/64)}
	for i, c := range buf {
		if is(c, clsB64) {
			want.b64[i/64] |= 1 << (i % 64)
		}
		if i > 0 && c|0x20 == 'k' && (buf[i-1] == 'p' || buf[i-1]|0x20 == 'c') {
			want.anchors[i/64] |= 1 << (i % 64)
		}
	}
	want.flags = make([]byte, (len(want.b64)+flagGroup-1)/flagGroup*flagGroup)
	whole := func(i, lane int) bool { return i >= 0 && want.b64[i]>>(16*lane)&0xffff == 0xffff }
	for i := range want.b64 {
		if whole(i-1, 3) && whole(i, 0) || whole(i, 0) && whole(i, 1) || whole(i, 1) && whole(i, 2) || whole(i, 2) && whole(i, 3) {
			want.flags[i] |= flagLongRun
		}
		if want.anchors[i] != 0 {
			want.flags[i] |= flagAnchors
		}
		if bytes.ContainsAny(buf[i*64:min(len(buf), i*64+64)], "\\&\x1b") {
			want.flags[i] |= flagEscape
		}
	}
	for name, classify := range classifiers() {
		checkProbes(t, name, buf, classify)
		checkAnchors(t, name, buf, classify)
		// A window of another size first, so that what it leaves in the
		// pooled masks must not show.
		releaseMasks(classifyWindow(bytes.Repeat([]byte("pkA"), 2000), classify))
		got := classifyWindow(buf, classify)
		if got.n != want.n || !slices.Equal(got.b64, want.b64) || !slices.Equal(got.anchors, want.anchors) || !slices.Equal(got.flags, want.flags) {
			t.Fatalf("%s classifier on %d bytes: b64 %x anchors %x flags %x, want b64 %x anchors %x flags %x", name, len(buf), got.b64, got.anchors, got.flags, want.b64, want.anchors, want.flags)
		}
		releaseMasks(got)
	}
}

// checkAnchors asserts that the anchors read from the masks, a chunk at a
// time, are those findAnchors finds byte by byte.
func checkAnchors(t *testing.T, name string, buf []byte, classify classifier) {
	t.Helper()
	var want, got []int
	wantKeywords := findAnchors(buf, func(p int) { want = append(want, p) })
	var gotKeywords []int
	masks := classifyVisiting(buf, classify, func(m *byteMasks, from, to int) {
		gotKeywords = m.anchorsIn(buf, from, to, func(p int) { got = append(got, p) }, gotKeywords)
	})
	releaseMasks(masks)
	if !slices.Equal(got, want) || !slices.Equal(gotKeywords, wantKeywords) {
		t.Fatalf("anchors on %s masks of %d bytes: pk at %v, keywords at %v; want %v, %v", name, len(buf), got, gotKeywords, want, wantKeywords)
	}
}

// checkProbes asserts that the escape probes see the same thing reading
// the masks as reading every probed word, in a small window and a large
// one.
func checkProbes(t *testing.T, name string, buf []byte, classify classifier) {
	t.Helper()
	for _, large := range []bool{false, true} {
		want, got := escapeProbe{large: large}, escapeProbe{large: large}
		want.scan(buf)
		// As maskAndAnchor probes, a chunk at a time, at any size.
		releaseMasks(classifyVisiting(buf, classify, func(m *byteMasks, from, to int) { got.scanMasked(buf, m, from, to) }))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("escape probes on %s masks of %d bytes (large %v): %+v, want %+v", name, len(buf), large, got, want)
		}
	}
}

func TestClassifiersAgree(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	// The last size spans chunks of classifyVisiting, the last one partial.
	for _, n := range []int{0, 1, 63, 64, 65, 127, 128, 129, 1000, 4096 + 17, 2*classifyChunk*64 + 1000} {
		// Every byte value, and text dense with the anchor letters so that
		// pairs straddle block edges.
		all := make([]byte, n)
		dense := make([]byte, n)
		for i := range all {
			all[i] = byte(r.UintN(256))
			dense[i] = "pkcCKk_+/-=aZ09 \x80\xff\\&\x1b"[r.UintN(21)]
		}
		checkClassifiers(t, all)
		checkClassifiers(t, dense)
	}
	// Long runs that start and end at every offset around block edges,
	// also into a window's last, partial block.
	for start := 0; start < 140; start += 5 {
		for _, n := range []int{46, 47, 50, 64, 70} {
			for _, size := range []int{start + n, start + n + 9, 200} {
				if size < start+n {
					continue
				}
				buf := bytes.Repeat([]byte{' '}, size)
				copy(buf[start:], bytes.Repeat([]byte{'A'}, n))
				checkClassifiers(t, buf)
			}
		}
	}
	// Escapes and colour codes alone in a block, at every probe offset,
	// among blocks without any.
	for _, opener := range []string{`\u0070`, "&#112;", "\x1b[31m", `\x70`} {
		for at := 0; at < 3*probeStride; at += 5 {
			buf := bytes.Repeat([]byte("ab "), 400)
			copy(buf[at:], opener)
			checkClassifiers(t, buf)
		}
	}
	every := make([]byte, 256*3)
	for i := range every {
		every[i] = byte(i)
	}
	checkClassifiers(t, every)
}

// TestClassifiersAgreeRandom checks every classifier against
// classifyGeneric on seeded random blocks with every incoming carry, bit
// for bit, returned carry included, into outputs that start out dirty. It
// is the fuzzer's work in a fixed number of cases, for runs where the
// fuzzer cannot start its workers (an emulated arm64 binary run with
// go test -exec).
func TestClassifiersAgreeRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	const dense = "pkcCKk_+/-=aZ09 \x80\xff\\&\x1b"
	for iter := range 2000 {
		buf := make([]byte, r.IntN(9*64))
		for i := range buf {
			switch iter % 3 {
			case 0: // every byte value
				buf[i] = byte(r.UintN(256))
			case 1: // the anchor letters and escapes, pairs across edges
				buf[i] = dense[r.IntN(len(dense))]
			default: // base64 runs with rare breaks, lanes whole or not
				buf[i] = 'A'
				if r.IntN(40) == 0 {
					buf[i] = " \\pk"[r.IntN(4)]
				}
			}
		}
		blocks := len(buf) / 64
		carry := r.Uint64N(4)
		want := make([]uint64, 2*blocks)
		wantFlags := make([]byte, blocks)
		wantCarry := classifyGeneric(buf[:blocks*64], want[:blocks], want[blocks:], wantFlags, carry)
		for name, classify := range classifiers() {
			got := make([]uint64, 2*blocks)
			gotFlags := make([]byte, blocks)
			for i := range got {
				got[i] = r.Uint64()
			}
			for i := range gotFlags {
				gotFlags[i] = byte(r.UintN(256))
			}
			gotCarry := classify(buf[:blocks*64], got[:blocks], got[blocks:], gotFlags, carry)
			if gotCarry != wantCarry || !slices.Equal(got, want) || !slices.Equal(gotFlags, wantFlags) {
				t.Fatalf("%s classifier on %q, carry %d: b64+anchors %x flags %x carry %d, want %x %x %d", name, buf, carry, got, gotFlags, gotCarry, want, wantFlags, wantCarry)
			}
		}
		if iter%16 == 0 {
			checkClassifiers(t, buf)
		}
	}
}

// FuzzClassify checks the classifiers on any bytes; FuzzRunSearch checks
// the run search on the masks.
func FuzzClassify(f *testing.F) {
	f.Add([]byte("pk_1234567_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 clickup CLICKUP ck pK"))
	f.Fuzz(func(t *testing.T, buf []byte) { checkClassifiers(t, buf) })
}

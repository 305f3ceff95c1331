package scanner

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// refForEachRun is the straightforward forEachRun the optimised one must agree with. It calls fn with the bounds of every maximal run of base64
// characters (letters, digits, + / - _) at least minLen long that starts
// in buf[lo:hi]. It probes one byte in minLen: where that byte is not in a
// run, no long run can cover the bytes before it.
func refForEachRun(buf []byte, lo, hi, minLen int, fn func(start, end int)) {
	for i := lo; i < hi; {
		probe := i + minLen - 1
		if probe >= len(buf) {
			return
		}
		if !is(buf[probe], clsB64) {
			i = probe + 1
			continue
		}
		start := probe
		for start > i && is(buf[start-1], clsB64) {
			start--
		}
		if start == i && i == lo {
			for start > 0 && is(buf[start-1], clsB64) {
				start--
			}
		}
		end := probe + 1
		for end < len(buf) && is(buf[end], clsB64) {
			end++
		}
		if end-start >= minLen && start < hi {
			fn(start, end)
		}
		i = end + 1
	}
}

// refScanBlob is the straightforward scanBlob (one bytes.Index pass per
// literal) that the optimised one must agree with. It decodes and scans the parts of buf[start:end] around literal hits.
func refScanBlob(buf []byte, start, end, depth int, emit func(rawMatch)) {
	run := buf[start:end]
	segs := blobSegments{buf: buf, start: start, end: end, depth: depth, emit: emit}
	for _, lit := range blobLiterals {
		for k := 0; ; {
			j := bytes.Index(run[k:], lit.text)
			if j < 0 {
				break
			}
			hit := start + k + j
			k += j + 1 // overlapping occurrences too
			segs.decodeAround(hit - lit.shift)
		}
	}
}

type runCall struct{ start, end int }

func collectRuns(f func(buf []byte, lo, hi, minLen int, fn func(start, end int)), buf []byte, lo, hi, minLen int) []runCall {
	var calls []runCall
	f(buf, lo, hi, minLen, func(s, e int) { calls = append(calls, runCall{s, e}) })
	return calls
}

// describeRaw renders raw matches without their values, so that a failure
// message never holds a token in clear.
func describeRaw(ms []rawMatch) string {
	var b bytes.Buffer
	for _, m := range ms {
		fmt.Fprintf(&b, "{%s %v start=%d enc=%s key=%q ph=%v} ", m.kind, NewSecret(m.value), m.start, m.encoding, m.key, m.placeholder)
	}
	return b.String()
}

func collectBlobs(f func(buf []byte, start, end, depth int, emit func(rawMatch)), buf []byte) []rawMatch {
	var ms []rawMatch
	refForEachRun(buf, 0, len(buf), minBlobRun, func(start, end int) {
		f(buf, start, end, 0, func(m rawMatch) { ms = append(ms, m) })
	})
	return ms
}

// checkRunSearch asserts that the optimised run search and blob literal
// search call back exactly as the straightforward ones do, in the same
// order, for every window bound and run length the matcher uses.
func checkRunSearch(t *testing.T, buf []byte, lo, hi int) {
	t.Helper()
	for _, minLen := range []int{1, 2, 7, minBlobRun, longSecretLen} {
		want := collectRuns(refForEachRun, buf, lo, hi, minLen)
		got := collectRuns(forEachRun, buf, lo, hi, minLen)
		if !slices.Equal(got, want) {
			t.Fatalf("forEachRun(len %d, lo %d, hi %d, minLen %d) = %v, want %v", len(buf), lo, hi, minLen, got, want)
		}
		if lo == 0 && hi == len(buf) {
			got = collectRuns(func(buf []byte, _, _, minLen int, fn func(int, int)) { forEachLongRun(buf, minLen, fn) }, buf, lo, hi, minLen)
			if !slices.Equal(got, want) {
				t.Fatalf("forEachLongRun(len %d, minLen %d) = %v, want %v", len(buf), minLen, got, want)
			}
		}
	}
	for name, classify := range classifiers() {
		masks := classifyWindow(buf, classify)
		for _, minLen := range []int{minMaskedRun, minBlobRun, longSecretLen} {
			want := collectRuns(refForEachRun, buf, lo, hi, minLen)
			got := collectRuns(func(_ []byte, lo, hi, minLen int, fn func(int, int)) { masks.forEachRun(lo, hi, minLen, fn) }, buf, lo, hi, minLen)
			if !slices.Equal(got, want) {
				t.Fatalf("forEachRun on %s masks (len %d, lo %d, hi %d, minLen %d) = %v, want %v", name, len(buf), lo, hi, minLen, got, want)
			}
		}
		releaseMasks(masks)
	}
	want := collectBlobs(refScanBlob, buf)
	got := collectBlobs(scanBlob, buf)
	if !slices.Equal(got, want) {
		t.Fatalf("scanBlob emitted\n%s\nwant\n%s", describeRaw(got), describeRaw(want))
	}
	// matchBase64Blobs looks for literals first and scans only the runs
	// around them; it must emit what scanning every long run did.
	got = nil
	matchBase64Blobs(buf, 0, func(m rawMatch) { got = append(got, m) })
	if !slices.Equal(got, want) {
		t.Fatalf("matchBase64Blobs emitted\n%s\nwant\n%s", describeRaw(got), describeRaw(want))
	}
}

// blobTestPlain is text whose base64 holds every blob literal: a token
// and each ClickUp spelling.
const blobTestPlain = "x CLICKUP_API_TOKEN=" + testToken + " clickup ClickUp Clickup clickUp CLICKUP pk_ "

func TestRunSearchMatchesReference(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
	randomRun := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return b
	}
	var cases [][]byte
	for shift := 0; shift < 3; shift++ {
		plain := append(bytes.Repeat([]byte{'.'}, shift), blobTestPlain...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			for pre := 0; pre < 4; pre++ {
				blob := enc.EncodeToString(plain)
				cases = append(cases,
					[]byte("k: "+string(randomRun(pre))+blob+"\n"),
					[]byte(string(randomRun(3000+pre))+blob+string(randomRun(5000))),
					[]byte(blob+" "+blob+" "+string(randomRun(40))+","+blob),
				)
			}
		}
	}
	for n := range 50 {
		b := randomRun(200 + n*97)
		// Break the text into runs of varied length, some at the bounds.
		for k := 0; k < len(b); k += 1 + r.IntN(90) {
			b[k] = " ,;=\"\n"[r.IntN(6)]
		}
		cases = append(cases, b)
	}
	// The planted blobs must exercise decoding, or agreeing would prove
	// nothing.
	found := 0
	for _, m := range collectBlobs(scanBlob, cases[0]) {
		if m.value == testToken {
			found++
		}
	}
	if found == 0 {
		t.Fatalf("no token decoded from the first planted blob")
	}
	// Literals in short runs, next to bytes outside ASCII that mask to
	// literal characters, at both parities, back to back and at the ends.
	for _, lit := range blobLiterals {
		l := string(lit.text)
		cases = append(cases,
			[]byte(l+" x"+l+" \xff"+l+"\xe3"+string(randomRun(45))+l+string(randomRun(40))),
			[]byte(string(randomRun(41))+l),
			[]byte("\xb0\xc7"+l+l+l+l+l+l+l+l+l+l+l+l+l+l),
		)
	}
	cases = append(cases, nil, []byte("a"), bytes.Repeat([]byte("A"), 64), []byte(" "+string(randomRun(39))+" "))
	for i, buf := range cases {
		for _, bounds := range [][2]int{{0, len(buf)}, {len(buf) / 3, 2 * len(buf) / 3}, {len(buf) / 2, len(buf)}, {1, 2}} {
			lo, hi := min(bounds[0], len(buf)), min(bounds[1], len(buf))
			t.Run(fmt.Sprintf("case%d_%d_%d", i, lo, hi), func(t *testing.T) {
				checkRunSearch(t, buf, lo, hi)
			})
		}
	}
}

func FuzzRunSearch(f *testing.F) {
	f.Add([]byte("a "+base64.StdEncoding.EncodeToString([]byte(blobTestPlain))+" b"), uint16(0), uint16(500))
	f.Add([]byte(base64.RawURLEncoding.EncodeToString([]byte("."+blobTestPlain))), uint16(3), uint16(80))
	f.Add([]byte("function(e){return e.k}; data:font/woff2;base64,d09GMgABAAAAA"), uint16(10), uint16(40))
	f.Fuzz(func(t *testing.T, buf []byte, lo, hi uint16) {
		l, h := min(int(lo), len(buf)), min(int(hi), len(buf))
		checkRunSearch(t, buf, l, max(l, h))
	})
}

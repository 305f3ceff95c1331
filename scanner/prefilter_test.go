package scanner

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// refMatchWindow is matchWindow with the prefilter replaced by the
// straightforward searches it must agree with: every offset is tried as a
// "pk" and as a ClickUp keyword, and every long base64 run is found by
// refForEachRun and searched literal by literal by refScanBlob. Decoded
// bytes are matched by matchWindow itself, so the comparison is of the
// prefilter on the bytes as given.
func refMatchWindow(buf []byte, depth int, emit func(rawMatch)) {
	var keywords []int
	for p := 0; p < len(buf); p++ {
		if p+2 < len(buf) && buf[p] == 'p' && buf[p+1] == 'k' {
			matchPersonalAt(buf, p, emit)
		}
		if isKeywordAt(buf, p) {
			keywords = append(keywords, p)
		}
	}
	if len(keywords) > 0 {
		matchContext(buf, keywords, nil, emit)
	}
	if depth < maxDecodeDepth {
		refForEachRun(buf, 0, len(buf), minBlobRun, func(start, end int) {
			refScanBlob(buf, start, end, depth, emit)
		})
	}
}

// checkPrefilter asserts that matchWindow and refMatchWindow emit the same
// matches (as a multiset: the emission order of the two differs).
// It does so on every path: byte-wise, and on the masks of every
// classifier this build has.
func checkPrefilter(t *testing.T, buf []byte) {
	t.Helper()
	var want []rawMatch
	refMatchWindow(buf, 0, func(m rawMatch) { want = append(want, m) })
	order := func(a, b rawMatch) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return bytes.Compare([]byte(a.value+"\x00"+a.encoding+"\x00"+a.key), []byte(b.value+"\x00"+b.encoding+"\x00"+b.key))
	}
	slices.SortStableFunc(want, order)
	paths := classifiers()
	paths["byte-wise"] = nil
	for name, classify := range paths {
		var got []rawMatch
		matchWindowWith(buf, 0, classify, func(m rawMatch) { got = append(got, m) })
		slices.SortStableFunc(got, order)
		if !slices.Equal(got, want) {
			t.Fatalf("prefiltered matcher (%s) emitted\n%s\nreference emitted\n%s", name, describeRaw(got), describeRaw(want))
		}
	}
}

// prefilterCases are texts with every kind of anchor the prefilter must
// not lose: tokens plain, escaped and base64-encoded at each alignment,
// ClickUp keywords in every spelling next to context secrets, and long
// base64 runs that start and end on every byte offset of a probed word.
func prefilterCases() [][]byte {
	r := rand.New(rand.NewPCG(11, 12))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
	randomRun := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	secret := randomRun(0) + "0123abcd4567ef89" + "9a8b7c6d5e4f3a2b" + "1c2d3e4f5a6b7c8d" + "9e0f1a2b3c4d5e6f"
	var cases [][]byte
	for shift := 0; shift < 3; shift++ {
		plain := bytes.Repeat([]byte{'.'}, shift)
		plain = append(plain, blobTestPlain...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			blob := enc.EncodeToString(plain)
			for pre := 0; pre < 8; pre++ {
				cases = append(cases, []byte("x = "+randomRun(pre)+blob+" ;"+testToken+"\n"))
			}
		}
	}
	clientSecret := []byte(randomRun(longSecretLen))
	for i := range clientSecret {
		clientSecret[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[r.IntN(36)]
	}
	cases = append(cases,
		[]byte(`const CLICKUP_CLIENT_SECRET = "`+secret+`"; ClickUp clickUp CLICKUP`),
		[]byte(`clickup: {client_secret: "`+string(clientSecret)+`"}`),
		[]byte(`CLICKUP_CLIENT_SECRET=`+string(clientSecret)+"\nClickUp.secret="+base64.StdEncoding.EncodeToString(clientSecret)),
		[]byte(`{"token":"pk\u005f`+testToken[3:]+`"} url=pk%5F`+testToken[3:]),
		[]byte(`pk_ pk pk\ pk% pK_ `+testToken+testToken),
	)
	// Runs of every length around the 58-byte bound, at every offset
	// modulo the probe stride.
	for n := minBlobRun - 9; n <= minBlobRun+9; n++ {
		for off := 0; off < 50; off += 7 {
			cases = append(cases, []byte(randomRun(off)[:off]+" "+randomRun(n)+" "+randomRun(3)))
		}
	}
	// Text broken into short runs with a rare long one.
	for n := range 20 {
		b := []byte(randomRun(500 + n*131))
		for k := 0; k < len(b); k += 1 + r.IntN(70) {
			b[k] = " ,;=\"\n.\x80\xff"[r.IntN(9)]
		}
		cases = append(cases, b)
	}
	// Each case again past the size from which the masks are used, at
	// every offset in a 64-byte block, and all of them in one window.
	pad := bytes.Repeat([]byte("var x = 1; "), 60)
	for i, c := range cases[:len(cases):len(cases)] {
		cases = append(cases, append(slices.Clip(pad[:minClassified+i%64]), c...))
	}
	cases = append(cases, bytes.Join(cases, []byte("\n")))
	return cases
}

func TestPrefilterMatchesReference(t *testing.T) {
	t.Parallel()
	cases := prefilterCases()
	// The cases must find tokens, or agreeing would prove nothing.
	found := 0
	for _, c := range cases {
		matchWindow(c, 0, func(rawMatch) { found++ })
	}
	if found < len(cases)/4 {
		t.Fatalf("only %d matches over %d cases: the cases do not exercise the matcher", found, len(cases))
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			checkPrefilter(t, c)
		})
	}
}

// TestBase64Lanes checks the word-wide alphabet test against the byte
// table for every byte value in every lane.
func TestBase64Lanes(t *testing.T) {
	t.Parallel()
	for c := 0; c < 256; c++ {
		for lane := 0; lane < 8; lane++ {
			var w [8]byte
			for i := range w {
				w[i] = 'A' + byte(i) // in the alphabet
			}
			w[lane] = byte(c)
			got := base64Lanes(binary.LittleEndian.Uint64(w[:]))
			want := uint64(laneHigh)
			if !is(byte(c), clsB64) {
				want &^= 0x80 << (8 * lane)
			}
			if got != want {
				t.Fatalf("byte %#x in lane %d: lanes %#x, want %#x", c, lane, got, want)
			}
			// forEachLongRun spells the test out inline: a 58-byte run
			// [42, 100) whose only probed word is buf[48:56].
			buf := bytes.Repeat([]byte{'Q'}, 120)
			buf[41], buf[100] = ' ', ' '
			buf[48+lane] = byte(c)
			wantRuns := collectRuns(refForEachRun, buf, 0, len(buf), minBlobRun)
			var gotRuns []runCall
			forEachLongRun(buf, minBlobRun, func(s, e int) { gotRuns = append(gotRuns, runCall{s, e}) })
			if !slices.Equal(gotRuns, wantRuns) || (len(wantRuns) == 1) != is(byte(c), clsB64) {
				t.Fatalf("byte %#x in lane %d of the probed word: runs %v, want %v", c, lane, gotRuns, wantRuns)
			}
		}
	}
}

// FuzzPrefilterDifferential checks that the prefiltered matcher and the
// reference one (every offset tried, every run searched) report the same
// matches for any input.
func FuzzPrefilterDifferential(f *testing.F) {
	for _, c := range prefilterCases()[:40] {
		f.Add(c)
	}
	pad := bytes.Repeat([]byte("var x = 1; "), 60)
	f.Fuzz(func(t *testing.T, buf []byte) {
		checkPrefilter(t, buf)
		// Again past the size from which the masks are used, at an
		// offset in a block that varies with the input.
		checkPrefilter(t, append(slices.Clip(pad[:minClassified+len(buf)%64]), buf...))
	})
}

package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// bounded is the reference shape of a reportable personal token: not glued
// to a longer word on either side.
var bounded = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])(pk_([0-9]{7,9})_([0-9A-Z]{32}))(?:$|[^A-Za-z0-9_])`)

// realTokens returns the ids of the tokens in b that a correct matcher must
// report: the bounded shape, minus placeholders.
func realTokens(b []byte) []string {
	var ids []string
	for _, m := range bounded.FindAllSubmatch(b, -1) {
		if !plausible(string(m[2])) || !plausible(string(m[3])) || !mixed(m[3]) {
			continue
		}
		sum := sha256.Sum256(m[1])
		ids = append(ids, hex.EncodeToString(sum[:]))
	}
	return ids
}

func TestNewTokenShape(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^pk_[1-9][0-9]{6,8}_[0-9A-Z]{32}$`)
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 2000 {
		tok := newToken(rng, seen)
		if !shape.MatchString(tok.raw) {
			t.Fatalf("token %s does not have the ClickUp shape", tok)
		}
		if ids := realTokens([]byte(" " + tok.raw + " ")); len(ids) != 1 || ids[0] != tok.id() {
			t.Fatalf("token %s would be taken for a placeholder", tok)
		}
	}
	if len(seen) != 2000 {
		t.Fatalf("got %d distinct tokens, want 2000", len(seen))
	}
}

func TestPlausible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		want bool
	}{
		{"7K2M9QX4RW8T1ZP6LN3VB5HJ0D", true},
		{"7K2ABC9QX4", false},  // ascending run
		{"7K2987QX4", false},   // descending run
		{"7K2QQQ9X4", false},   // repeat
		{"7K2EXAMPLE9", false}, // word
		{"9TEST4", false},      // word
		{"7K2XXX9", false},     // mask
		{"89A", false},         // run across digits and letters
		{"4ZW7", true},         // no run
		{"A1B2C3D4E5F6", true}, // alternating is fine
		{"0000000000000", false},
	}
	for _, tt := range tests {
		if got := plausible(tt.s); got != tt.want {
			t.Errorf("plausible(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestNearMissNeverReportable checks that no near miss holds a token a
// correct matcher would report, so that any extra finding in the benchmark
// is a false positive of the matcher, not of the generator.
func TestNearMissNeverReportable(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	shape := regexp.MustCompile(`pk_[0-9]{7,9}_[0-9A-Z]{32}`)
	shaped := 0
	for i := range 20000 {
		s := nearMiss(rng, i%2 == 0)
		if shape.MatchString(s) {
			shaped++
		}
		if ids := realTokens([]byte(`"` + s + `"`)); len(ids) > 0 {
			t.Fatalf("near miss %d is a reportable token (id %s)", i, ids[0])
		}
		if l := longNearMiss(rng); strings.Contains(strings.ToLower(l), "clickup") {
			t.Fatalf("long near miss %d mentions ClickUp: it would be in context", i)
		}
	}
	// The near misses must look like tokens to a naive regex, or they test
	// nothing.
	if shaped < 20000/5 {
		t.Fatalf("only %d of 20000 near misses match the naive token regex", shaped)
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"300MB", 300e6, true},
		{"64MiB", 64 << 20, true},
		{"1.5GB", 1.5e9, true},
		{"512KiB", 512 << 10, true},
		{"1000", 1000, true},
		{"20mb", 20e6, true},
		{"", 0, false},
		{"-3MB", 0, false},
		{"lots", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// smallSize is the size of the test corpus: large enough that bulk files
// follow the planted ones.
const smallSize = "20MB"

// corpus is a generated corpus with what the tests need to know about it.
type corpus struct {
	root           string
	manifestPath   string
	m              Manifest
	toks           map[string]token // raw tokens by id; the manifest never holds them
	stdout, stderr []byte
}

// generateSmall generates a test corpus under dir.
func generateSmall(dir string, seed uint64) (*corpus, error) {
	c := &corpus{root: filepath.Join(dir, "corpus"), manifestPath: filepath.Join(dir, "manifest.json")}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-out", c.root, "-size", smallSize, "-seed", strconv.FormatUint(seed, 10), "-manifest", c.manifestPath}, &stdout, &stderr); code != 0 {
		return nil, fmt.Errorf("gencorpus exited %d: %s", code, stderr.String())
	}
	c.stdout, c.stderr = stdout.Bytes(), stderr.Bytes()
	if err := readJSON(c.manifestPath, &c.m); err != nil {
		return nil, err
	}
	// Replay the planting in memory to learn the raw tokens: generation is
	// deterministic (TestGenerateDeterministic) and plants come first.
	tmp, err := os.MkdirTemp("", "gencorpus-replay")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	g := newGenerator(tmp, c.m.TargetSize, seed)
	if err := g.plantAll(); err != nil {
		return nil, err
	}
	c.toks = map[string]token{}
	for _, p := range g.plants {
		c.toks[p.ID] = p.tok
	}
	return c, nil
}

var (
	sharedDir   string
	sharedSmall = sync.OnceValues(func() (*corpus, error) {
		return generateSmall(sharedDir, 7)
	})
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gencorpus-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// small returns the shared test corpus (seed 7), generated once.
func small(t *testing.T) *corpus {
	t.Helper()
	c, err := sharedSmall()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNoRawTokenInOutputs(t *testing.T) {
	t.Parallel()
	c := small(t)
	man, err := os.ReadFile(c.manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.toks) != len(c.m.Planted) {
		t.Fatalf("replayed %d tokens, manifest lists %d", len(c.toks), len(c.m.Planted))
	}
	for _, tok := range c.toks {
		for name, b := range map[string][]byte{"stdout": c.stdout, "stderr": c.stderr, "manifest": man} {
			// The body's last 12 characters catch a token split or reformatted.
			if bytes.Contains(b, []byte(tok.raw)) || bytes.Contains(b, []byte(tok.raw[len(tok.raw)-12:])) {
				t.Fatalf("%s holds the raw token %s", name, tok)
			}
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a := small(t)
	b, err := generateSmall(t.TempDir(), 7)
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := treeHash(t, a.root), treeHash(t, b.root)
	if len(ha) < len(a.m.Planted)+20 {
		t.Fatalf("only %d files generated for %d planted tokens: no bulk", len(ha), len(a.m.Planted))
	}
	for p, h := range ha {
		if hb[p] != h {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
	}
	if len(ha) != len(hb) {
		t.Errorf("%d files vs %d with the same seed", len(ha), len(hb))
	}
}

// TestGzipMirrors checks that some precompressed assets sit next to an
// identical plain file, as compression plugins leave them.
func TestGzipMirrors(t *testing.T) {
	t.Parallel()
	c := small(t)
	gzs, mirrors := 0, 0
	err := filepath.WalkDir(c.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".gz") || strings.HasSuffix(p, ".tar.gz") {
			return err
		}
		gzs++
		plain, err := os.ReadFile(strings.TrimSuffix(p, ".gz"))
		if err != nil {
			return nil // no sibling: a standalone precompressed asset
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Equal(unwrap(t, p, data, filepath.Base(strings.TrimSuffix(p, ".gz"))), plain) {
			mirrors++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mirrors == 0 || mirrors == gzs {
		t.Fatalf("%d of %d .gz files mirror a sibling, want some but not all", mirrors, gzs)
	}
}

func treeHash(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPlantsAreWhereTheManifestSays opens each planted file and archive
// chain independently and finds the token in the form the manifest names.
func TestPlantsAreWhereTheManifestSays(t *testing.T) {
	t.Parallel()
	c := small(t)
	root, m, toks := c.root, c.m, c.toks
	if len(m.Planted) < 40 {
		t.Fatalf("only %d tokens planted", len(m.Planted))
	}
	hidden := map[string]bool{}
	for _, p := range m.Planted {
		hidden[p.Hidden] = true
		tok, ok := toks[p.ID]
		if !ok {
			t.Fatalf("manifest id %s is not a generated token", p.ID[:16])
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p.File)))
		if err != nil {
			t.Fatal(err)
		}
		name := p.File
		for _, inner := range p.Inner {
			data = unwrap(t, name, data, inner)
			name = inner
		}
		if p.Offset >= 0 && string(data[p.Offset:p.Offset+int64(len(tok.raw))]) != tok.raw {
			t.Errorf("%s (%s): token is not at offset %d", p.File, p.Redacted, p.Offset)
		}
		if !holds(data, tok.raw, p.Hidden) {
			t.Errorf("%s (%s): token not found as %s", p.File, p.Redacted, p.Hidden)
		}
	}
	for _, want := range []string{"plain:bundle", "plain:window-boundary", "json-escape", "base64:k8s-secret", "base64:env-json", "url-encoded", "utf16le-bom", "gz", "zip", "tar.gz", "tar.gz>zip", "zip>gz"} {
		if !hidden[want] {
			t.Errorf("no token hidden as %s", want)
		}
	}
}

// TestNoUnplantedToken checks that every reportable token in the corpus's
// plain bytes is a planted one.
func TestNoUnplantedToken(t *testing.T) {
	t.Parallel()
	c := small(t)
	root, m := c.root, c.m
	planted := map[string]bool{}
	for _, p := range m.Planted {
		planted[p.ID] = true
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, id := range realTokens(b) {
			if !planted[id] {
				t.Errorf("%s holds an unplanted reportable token (id %s)", p, id[:16])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func holds(data []byte, raw, hidden string) bool {
	switch {
	case strings.Contains(hidden, "json-escape"):
		return bytes.Contains(data, []byte(jsonEscape(raw)))
	case strings.Contains(hidden, "base64"):
		for _, run := range regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}={0,2}`).FindAll(data, -1) {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
				if dec, err := enc.DecodeString(string(run)); err == nil && bytes.Contains(dec, []byte(raw)) {
					return true
				}
			}
		}
		return false
	case hidden == "url-encoded":
		return bytes.Contains(data, []byte(urlEscape(raw)))
	case hidden == "utf16le-bom":
		return bytes.HasPrefix(data, []byte{0xff, 0xfe}) && bytes.Contains(data, utf16Bytes(raw, false, false))
	case hidden == "utf16be-nobom":
		return data[0] == 0 && bytes.Contains(data, utf16Bytes(raw, true, false))
	}
	return bytes.Contains(data, []byte(raw))
}

// unwrap returns member inner of the archive data named name.
func unwrap(t *testing.T, name string, data []byte, inner string) []byte {
	t.Helper()
	switch {
	case strings.HasSuffix(name, ".zip") || strings.HasSuffix(name, ".jar"):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range zr.File {
			if f.Name == inner {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
	case strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".tgz"):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			if h.Name == inner {
				b, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
	case strings.HasSuffix(name, ".gz"):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if zr.Name != inner {
			t.Fatalf("%s: gzip name %q, manifest says %q", name, zr.Name, inner)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("%s: no member %s", name, inner)
	return nil
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	id := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	man := Manifest{Planted: []Plant{
		{ID: id("a"), Redacted: "pk_1_…AAAA", File: "dist/a.js", Hidden: "plain:bundle"},
		{ID: id("b"), Redacted: "pk_2_…BBBB", File: "dist/b.zip", Inner: []string{".env"}, Hidden: "zip"},
	}}
	writeJSON(t, filepath.Join(dir, "m.json"), man)
	if err := os.WriteFile(filepath.Join(dir, "rg.txt"), []byte(id("a")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	finding := func(fid, path string) map[string]any {
		return map[string]any{"id": fid, "kind": "personal_token", "redacted": "pk_9_…ZZZZ", "locations": []map[string]any{{"path": path, "line": 1, "column": 1}}}
	}
	tests := []struct {
		name     string
		findings []map[string]any
		code     int
		want     []string
	}{
		{"all found", []map[string]any{finding(id("a"), "/tmp/c/dist/a.js"), finding(id("b"), "/tmp/c/dist/b.zip")}, 0,
			[]string{"RESULT planted=2 found=2 missed=0 extra=0 rg_seen=1"}},
		{"one missed", []map[string]any{finding(id("a"), "/tmp/c/dist/a.js")}, 1,
			[]string{"MISSED zip", "dist/b.zip > .env", "missed=1"}},
		{"one extra", []map[string]any{finding(id("a"), "/tmp/c/dist/a.js"), finding(id("b"), "/tmp/c/dist/b.zip"), finding(id("c"), "/tmp/c/x.js")}, 1,
			[]string{"EXTRA", "/tmp/c/x.js:1:1", "extra=1"}},
		{"wrong place", []map[string]any{finding(id("a"), "/tmp/c/dist/other.js"), finding(id("b"), "/tmp/c/dist/b.zip")}, 0,
			[]string{"WARN plain:bundle", "reported at /tmp/c/dist/other.js"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := filepath.Join(dir, "r"+string(rune('0'+i))+".json")
			writeJSON(t, rep, map[string]any{"version": 1, "findings": tt.findings, "stats": map[string]any{"files": 3}})
			var out bytes.Buffer
			code, err := runCheck(filepath.Join(dir, "m.json"), rep, filepath.Join(dir, "rg.txt"), &out)
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("code %d, want %d\n%s", code, tt.code, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func writeJSON(t *testing.T, p string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestHashLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := hashLines(strings.NewReader("b\na\r\nb\n\na"), &out); err != nil {
		t.Fatal(err)
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	want := []string{sum("a"), sum("b")}
	if want[0] > want[1] {
		want[0], want[1] = want[1], want[0]
	}
	if got := out.String(); got != want[0]+"\n"+want[1]+"\n" {
		t.Fatalf("got %q, want the sorted ids of a and b", got)
	}
}

// mixStats generates a 32 MB corpus of mix (the planted files alone take about 10 MB) and returns its manifest, the
// share of its bulk (unplanted) bytes in archives, images and binaries,
// and the pk_ near misses per MB of its bulk .js files.
func mixStats(t *testing.T, mix string) (Manifest, float64, float64) {
	dir := t.TempDir()
	root, manifest := filepath.Join(dir, "corpus"), filepath.Join(dir, "m.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-out", root, "-size", "32MB", "-seed", "3", "-mix", mix, "-manifest", manifest}, &stdout, &stderr); code != 0 {
		t.Fatalf("gencorpus -mix %s exited %d: %s", mix, code, stderr.String())
	}
	var m Manifest
	if err := readJSON(manifest, &m); err != nil {
		t.Fatal(err)
	}
	planted := map[string]bool{}
	plantedFile := map[string]bool{}
	for _, p := range m.Planted {
		planted[p.ID] = true
		plantedFile[p.File] = true
	}
	var total, opaque, js, pk int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, id := range realTokens(b) {
			if !planted[id] {
				t.Errorf("%s holds an unplanted reportable token (id %s)", p, id[:16])
			}
		}
		rel, _ := filepath.Rel(root, p)
		if plantedFile[filepath.ToSlash(rel)] {
			return nil // the same in both mixes
		}
		total += int64(len(b))
		switch filepath.Ext(p) {
		case ".gz", ".tgz", ".zip", ".jar", ".png", ".jpg", ".wasm", ".node", ".woff2":
			opaque += int64(len(b))
		case ".js":
			js += int64(len(b))
			pk += int64(bytes.Count(b, []byte("pk_")))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || js == 0 {
		t.Fatalf("no bulk bytes (%d) or bundles (%d) in the %s mix", total, js, mix)
	}
	return m, float64(opaque) / float64(total), float64(pk) / (float64(js) / 1e6)
}

// TestTextMix checks that -mix text fills the tree with text: archives,
// images and binaries under 5% of the bulk bytes (about 20% in the build
// mix), near misses in bundles at least twice as dense as in the build
// mix, no unplanted token, and the mix recorded in the manifest.
func TestTextMix(t *testing.T) {
	t.Parallel()
	m, opaque, density := mixStats(t, "text")
	_, buildOpaque, buildDensity := mixStats(t, "build")
	t.Logf("opaque share of bulk: text %.1f%%, build %.1f%%; pk_ per MB of bundle: text %.0f, build %.0f", 100*opaque, 100*buildOpaque, density, buildDensity)
	if m.Mix != "text" {
		t.Errorf("manifest mix %q, want text", m.Mix)
	}
	if opaque > 0.05 || buildOpaque < 0.10 {
		t.Errorf("archives, images and binaries: %.1f%% of the text mix's bulk, %.1f%% of the build mix's", 100*opaque, 100*buildOpaque)
	}
	if density < 2*buildDensity {
		t.Errorf("pk_ near misses per MB of bundle: %.0f in the text mix, %.0f in the build mix", density, buildDensity)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-out", filepath.Join(t.TempDir(), "x"), "-mix", "zip"}, &stdout, &stderr); code != 2 {
		t.Errorf("-mix zip exited %d, want 2", code)
	}
}

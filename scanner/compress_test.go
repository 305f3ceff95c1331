package scanner

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	kzlib "github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// vendorTwin is the negative twin of testToken: a Stripe-like publishable
// key that shares the "pk_" prefix and must never be reported.
const vendorTwin = "pk_live_51Hc8ZKJ2eZvKYlo2C0aBcDeFg"

// twinText holds the planted token and its negative twin.
var twinText = "CLICKUP_API_TOKEN=" + testToken + "\nSTRIPE_KEY=" + vendorTwin + "\n"

func compressWith(t testing.TB, format string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch format {
	case "zstd":
		w, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "xz":
		w, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "brotli":
		w := brotli.NewWriterLevel(&buf, 5)
		w.Write(data)
		w.Close()
	case "zlib":
		w := kzlib.NewWriter(&buf)
		w.Write(data)
		w.Close()
	case "gzip":
		return makeGzip(data)
	default:
		t.Fatalf("no writer for %s", format)
	}
	return buf.Bytes()
}

func makeTar(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		if err := tw.WriteHeader(&tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[i+1]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/formats/" + name)
	if err != nil {
		t.Fatalf("%v (testdata/formats/gen-bzip2.sh regenerates it)", err)
	}
	return data
}

// onlyPlanted asserts that ms is exactly the planted token, found in
// inner, and that nothing rendered holds it in clear.
func onlyPlanted(t *testing.T, ms []Match, stats StatsSnapshot, inner string) {
	t.Helper()
	d := describe(ms, stats)
	if strings.Contains(d, testToken) {
		t.Fatalf("description holds the raw token")
	}
	if len(ms) != 1 || ms[0].Secret.Reveal() != testToken || ms[0].InnerPath != inner {
		t.Fatalf("want the planted token once in %q (and not its pk_live_ twin), got %s", inner, d)
	}
}

func TestCompressedFormats(t *testing.T) {
	t.Parallel()
	tarball := makeTar(t, "app/.env", twinText)
	tests := []struct {
		name, file string
		data       func(t *testing.T) []byte
		inner      string
	}{
		{"zstd", "main.js.zst", func(t *testing.T) []byte { return compressWith(t, "zstd", []byte(twinText)) }, "main.js"},
		{"zstd layer without a name", "blobs/sha256/4f1c", func(t *testing.T) []byte { return compressWith(t, "zstd", tarball) }, "app/.env"},
		{"tar.zst", "rootfs.tar.zst", func(t *testing.T) []byte { return compressWith(t, "zstd", tarball) }, "app/.env"},
		{"xz", "config.json.xz", func(t *testing.T) []byte { return compressWith(t, "xz", []byte(twinText)) }, "config.json"},
		{"txz", "release.txz", func(t *testing.T) []byte { return compressWith(t, "xz", tarball) }, "app/.env"},
		{"bzip2", "env.txt.bz2", func(t *testing.T) []byte { return readFixture(t, "env.txt.bz2") }, "env.txt"},
		{"tbz2", "release.tbz2", func(t *testing.T) []byte { return readFixture(t, "release.tbz2") }, "app/.env"},
		{"brotli", "main.js.br", func(t *testing.T) []byte { return compressWith(t, "brotli", []byte(twinText)) }, "main.js"},
		{"zlib", "state.zz", func(t *testing.T) []byte { return compressWith(t, "zlib", []byte(twinText)) }, "state"},
		{"zlib without a name", "cache/0001", func(t *testing.T) []byte { return compressWith(t, "zlib", []byte(twinText)) }, "0001"},
		{"pdf", "invoice.pdf", func(t *testing.T) []byte { return makePDF("BT (" + twinText + ") Tj ET") }, "obj 4 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, stats := scanString(t, tt.file, tt.data(t))
			onlyPlanted(t, ms, stats, tt.inner)
			if stats.ErrorCount != 0 {
				t.Errorf("want no errors, got %v", stats.Errors)
			}
			checkGolden(t, "testdata/formats/"+strings.ReplaceAll(tt.name, " ", "_")+".out", describe(ms, stats))
		})
	}
}

// TestNotCompressedAfterAll checks that weak signs (a .br name, two bytes
// that read as a zlib header) do not cost the plain bytes.
func TestNotCompressedAfterAll(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, file, data string }{
		{"text named .br", "notes.br", twinText},
		{"text that opens like zlib", "x.txt", "x^" + strings.Repeat(" ", 40) + twinText},
		{"bzip2 magic alone", "a.txt", "BZh9 " + twinText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, stats := scanString(t, tt.file, []byte(tt.data))
			onlyPlanted(t, ms, stats, "")
		})
	}
}

// TestDecompressionBombs feeds each decompressor a few KB that expand to
// 8 MiB of zeros: the stream must be cut short, counted as skipped, and
// named in the errors.
func TestDecompressionBombs(t *testing.T) {
	t.Parallel()
	zeros := make([]byte, 8<<20)
	tests := []struct {
		format, file string
	}{
		{"zstd", "bomb.zst"}, {"xz", "bomb.xz"}, {"brotli", "bomb.br"}, {"zlib", "bomb.zz"}, {"bzip2", "bomb.bz2"}, {"gzip", "bomb.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			var data []byte
			if tt.format == "bzip2" {
				data = readFixture(t, "bomb.bz2")
			} else {
				data = compressWith(t, tt.format, zeros)
			}
			if len(data) > 16<<10 {
				t.Fatalf("bomb is %d bytes, want a few KB", len(data))
			}
			stats := &Stats{}
			if _, err := New(Options{}, stats).Scan(context.Background(), tt.file, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			snap := stats.Snapshot()
			errs := strings.Join(snap.Errors, "\n")
			if snap.Skipped != 1 || !strings.Contains(errs, ErrArchiveBomb.Error()) || !strings.Contains(errs, tt.file+"!/bomb") {
				t.Fatalf("want the bomb cut short, counted and named, got skipped=%d errors=%q", snap.Skipped, errs)
			}
			if snap.Bytes > 4<<20 {
				t.Errorf("scanned %d bytes of the bomb, want it cut near the ratio limit", snap.Bytes)
			}
		})
	}
}

func TestCompressedBudget(t *testing.T) {
	t.Parallel()
	// Incompressible-looking text so the ratio check stays quiet and the
	// byte budget is what stops the stream.
	var b strings.Builder
	for i := 0; b.Len() < 64<<10; i++ {
		b.WriteString(strings.Repeat(string(rune('a'+i%26)), i%7+1) + " ")
	}
	data := compressWith(t, "zstd", []byte(b.String()+twinText))
	stats := &Stats{}
	ms, err := New(Options{MaxArchiveBytes: 4096}, stats).Scan(context.Background(), "big.txt.zst", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	snap := stats.Snapshot()
	if len(ms) != 0 || snap.Skipped != 1 || !strings.Contains(strings.Join(snap.Errors, "\n"), ErrArchiveLimit.Error()) {
		t.Fatalf("want the stream cut at the budget and counted, got %s", describe(ms, snap))
	}
}

func TestHostileXZDictionary(t *testing.T) {
	t.Parallel()
	data := compressWith(t, "xz", []byte(twinText))
	// The LZMA2 property byte of the first block: declare 1.5 GiB.
	hdr := data[12:]
	size := (int(hdr[0]) + 1) * 4
	at := bytes.Index(hdr[:size], []byte{0x21, 0x01})
	if at < 0 {
		t.Fatal("no LZMA2 filter in the block header")
	}
	hdr[at+2] = 37
	if d, ok := xzFirstDict(data); !ok || d != 3<<29 {
		t.Fatalf("xzFirstDict = %d, %v; want 1.5 GiB", d, ok)
	}
	stats := &Stats{}
	if _, err := New(Options{}, stats).Scan(context.Background(), "x.xz", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if snap := stats.Snapshot(); snap.Skipped != 1 || !strings.Contains(strings.Join(snap.Errors, "\n"), "dictionary") {
		t.Fatalf("want the stream refused and counted, got %v", snap.Errors)
	}
}

// TestDeepNesting opens an image-like chain nine levels deep: the default
// depth reaches the properties file, and every level is named.
func TestDeepNesting(t *testing.T) {
	t.Parallel()
	props := "clickup.token=" + testToken + "\nstripe=" + vendorTwin + "\n"
	inner := makeZip(t, "BOOT-INF/classes/application.properties", props)
	fat := makeZip(t, "BOOT-INF/lib/inner.jar", string(inner))
	layer := compressWith(t, "zstd", makeTar(t, "app/app.jar", string(fat)))
	image := makeTar(t, "blobs/sha256/aa01", string(layer))
	gz := makeGzip(image)
	ms, stats := scanString(t, "image.tar.gz", gz)
	onlyPlanted(t, ms, stats, "blobs/sha256/aa01!/app/app.jar!/BOOT-INF/lib/inner.jar!/BOOT-INF/classes/application.properties")

	// Nine zips deep is past the default of eight: found as raw bytes is
	// impossible (deflated), so the depth error is recorded instead.
	deep := []byte(props)
	name := "x.properties"
	for i := 0; i < DefaultMaxArchiveDepth+1; i++ {
		deep = makeZip(t, name, string(deep))
		name = "l.zip"
	}
	ms, stats = scanString(t, "deep.zip", deep)
	if len(ms) != 0 || !strings.Contains(strings.Join(stats.Errors, "\n"), ErrArchiveDepth.Error()) {
		t.Fatalf("want the depth limit recorded, got %s", describe(ms, stats))
	}
}

// checkGolden compares got with the golden file at path (go test ./scanner
// -update rewrites it).
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scanner -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("scan result differs from %s\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestIsBrotliName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"app.js.br": true, "APP.JS.BR": true, "x.Br": true, ".br": true, "ü.bR": true,
		"br": false, "abr": false, "a.bro": false, "a.b": false, "": false, "a.br/x": false,
	} {
		if got := isBrotliName(name); got != want {
			t.Errorf("isBrotliName(%q) = %v, want %v", name, got, want)
		}
	}
}

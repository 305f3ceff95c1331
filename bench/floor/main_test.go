package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// TestDrainTreeCountsEveryInflatedByte checks that the floor does all the
// reading and inflating a scan does: plain files, a .gz, zip members (one
// of them gzipped) and a tar.gz holding a zip, each counted once at the
// innermost level.
func TestDrainTreeCountsEveryInflatedByte(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	plain := strings.Repeat("a", 1000)
	bundle := strings.Repeat("var x=1;", 5000)                                // 40,000 bytes
	member := strings.Repeat("k", 3000)                                       // 3,000 bytes
	inner := fixtures.ZipBytes(map[string]string{"config/.env": "TOKEN=x\n"}) // 8 bytes inside
	write := func(rel string, data []byte) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("dist/app.js", []byte(plain))
	write("dist/app.js.gz", fixtures.Gzip(bundle))
	write("dist/bundle.zip", fixtures.ZipBytes(map[string]string{
		"a.txt":     member,
		"assets.gz": string(fixtures.Gzip(bundle)),
	}))
	write("release/app.tar.gz", fixtures.TarGz(map[string]string{
		"lambda.zip": string(inner),
		"readme.md":  member,
	}))

	got, err := drainTree(root, 2)
	if err != nil {
		t.Fatalf("drainTree: %v", err)
	}
	want := int64(len(plain) + len(bundle) + len(member) + len(bundle) + len("TOKEN=x\n") + len(member))
	if got != want {
		t.Errorf("drainTree = %d bytes, want %d (plain files plus every inflated member)", got, want)
	}
}

func TestDrainTreeReportsCorruptArchive(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "broken.gz"), []byte("not gzip at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := drainTree(root, 1); err == nil || !strings.Contains(err.Error(), "broken.gz") {
		t.Errorf("drainTree over a corrupt .gz: err = %v, want one naming broken.gz", err)
	}
}

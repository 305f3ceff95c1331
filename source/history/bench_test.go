package history

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// BenchmarkScan measures a full history scan (blob pass, commit and tree
// passes, provenance) of a generated, packed repository: 400 commits over
// 200 files of about 8 KiB, two files edited per commit, one token.
// bench/history.sh measures a realistic 20,000-commit repository against
// git and ripgrep.
func BenchmarkScan(b *testing.B) {
	bl := newBuilder(b)
	rng := rand.New(rand.NewPCG(1, 1))
	files := map[string]string{}
	for i := range 200 {
		var sb strings.Builder
		for j := range 200 {
			fmt.Fprintf(&sb, "func f%d_%d() int { return %d } // padding\n", i, j, rng.IntN(1e6))
		}
		files[fmt.Sprintf("pkg%d/file%d.go", i%20, i)] = sb.String()
	}
	bl.line(400, func(c int) map[string]string {
		for range 2 {
			name := fmt.Sprintf("pkg%d/file%d.go", rng.IntN(200)%20, rng.IntN(200))
			if old, ok := files[name]; ok {
				files[name] = fmt.Sprintf("// rev %d\n", c) + old[:len(old)/2] + old[len(old)/2+10:]
			}
		}
		if c == 200 {
			files["config/.env"] = env(fakeToken(1))
		}
		return files
	})
	gitCmd(b, bl.dir, "repack", "-a", "-d", "-q", "--window=10", "--depth=50")
	b.ResetTimer()
	var bytes int64
	for b.Loop() {
		stats := &scanner.Stats{}
		col := scanner.NewCollector()
		if _, err := Scan(context.Background(), Options{RepoPath: bl.dir}, scanner.New(scanner.Options{}, stats), col); err != nil {
			b.Fatal(err)
		}
		if len(col.Findings()) != 1 {
			b.Fatalf("got %d findings, want 1", len(col.Findings()))
		}
		bytes = stats.Snapshot().Bytes
	}
	b.SetBytes(bytes)
}

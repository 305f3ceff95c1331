package diff

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// codeLine returns a plausible line of source code that varies with i.
func codeLine(file, i int) string {
	return fmt.Sprintf("\tresult%d := compute(ctx, input[%d], \"field_%d_%d\") // step %d\n", i, i%17, file, i, i*31%97)
}

// benchRange builds 300 files of 50 lines, then 5 commits that each add
// about 34 lines to every file (51,000 added lines in all) and plant one
// token each. It returns the repository and the base commit.
func benchRange(b *testing.B) (string, string, int) {
	b.Helper()
	r := newRepo(b)
	const files, baseLines, commits, perCommit = 300, 50, 5, 34
	content := make([]strings.Builder, files)
	for f := range files {
		content[f].WriteString("package gen\n\n")
		for i := range baseLines {
			content[f].WriteString(codeLine(f, i))
		}
		r.write(fmt.Sprintf("pkg%02d/file%03d.go", f%30, f), content[f].String())
	}
	base := r.commit("base")
	added := 0
	for c := range commits {
		for f := range files {
			for i := range perCommit {
				content[f].WriteString(codeLine(f, 1000*(c+1)+i))
				added++
			}
			if f == c*50 {
				content[f].WriteString("var token = \"" + fixtures.NewGen(uint64(100+c)).PersonalToken() + "\"\n")
			}
			r.write(fmt.Sprintf("pkg%02d/file%03d.go", f%30, f), content[f].String())
		}
		r.commit(fmt.Sprintf("commit %d", c))
	}
	// A clone (what CI checks out) holds packed objects.
	r.git("repack", "-adq")
	return r.dir, base, added
}

// BenchmarkScanRange300Files50kLines measures ScanRange over a range of 5
// commits touching 300 files and adding about 51,000 lines.
func BenchmarkScanRange300Files50kLines(b *testing.B) {
	dir, base, added := benchRange(b)
	b.ReportMetric(float64(added), "lines")
	defer reportCPU(b)()
	for b.Loop() {
		col := scanner.NewCollector()
		res, err := ScanRange(context.Background(), Options{RepoPath: dir, Base: base}, scanner.New(scanner.Options{}, &scanner.Stats{}), col)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(col.Findings()); n != 5 || res.Commits != 5 {
			b.Fatalf("%d findings in %d commits, want 5 in 5", n, res.Commits)
		}
	}
}

// BenchmarkScanStagedTypical measures ScanStaged on a packed repository of
// 2,000 or 20,000 files in 100 directories with a typical change staged: 3
// files edited, one new file holding a token.
func BenchmarkScanStagedTypical(b *testing.B) {
	for _, files := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			r := newRepo(b)
			for f := range files {
				var sb strings.Builder
				for i := range 40 {
					sb.WriteString(codeLine(f, i))
				}
				r.write(fmt.Sprintf("dir%03d/sub/file%05d.go", f%100, f), sb.String())
			}
			r.commit("base")
			r.git("repack", "-adq")
			paths := []string{"config/settings.env"}
			for _, f := range []int{7, 250, files - 1} {
				var sb strings.Builder
				for i := range 60 {
					sb.WriteString(codeLine(f, i+5000))
				}
				p := fmt.Sprintf("dir%03d/sub/file%05d.go", f%100, f)
				r.write(p, sb.String())
				paths = append(paths, p)
			}
			r.write("config/settings.env", "CLICKUP_TOKEN="+fixtures.NewGen(200).PersonalToken()+"\n")
			// `git add PATH...`, as one usually stages; `git add -A`
			// invalidates the whole cache tree and costs a full walk.
			r.git(append([]string{"add"}, paths...)...)
			defer reportCPU(b)()
			for b.Loop() {
				col := scanner.NewCollector()
				if _, err := ScanStaged(context.Background(), r.dir, scanner.New(scanner.Options{}, &scanner.Stats{}), col); err != nil {
					b.Fatal(err)
				}
				if n := len(col.Findings()); n != 1 {
					b.Fatalf("%d findings, want 1", n)
				}
			}
		})
	}
}

// reportCPU adds the process CPU time (user + system) per operation: on a
// machine shared with other jobs, wall time says more about the neighbours
// than about this code.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

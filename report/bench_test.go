package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// benchReport holds n findings with locs locations each.
func benchReport(n, locs int) Report {
	c := scanner.NewCollector()
	for i := range n {
		tok := fakePersonal(uint64(1000+i), fmt.Sprintf("%07d", 1000000+i))
		for j := range locs {
			c.AddLocation(scanner.PersonalToken, tok, "", scanner.Location{
				Source: "history", Path: fmt.Sprintf("dir%d/file%d.env", i%50, j), Line: j + 1, Column: 7, Commit: commitA,
			})
		}
	}
	return Report{Mode: "history", Findings: c.Findings(), Stats: scanner.StatsSnapshot{Files: int64(n * locs)}}
}

// BenchmarkWrite renders 1,000 findings of 10 locations each (10,000
// SARIF results) in each format.
func BenchmarkWrite(b *testing.B) {
	r := benchReport(1000, 10)
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Write(io.Discard, format, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

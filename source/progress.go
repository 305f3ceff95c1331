package source

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// WithProgress wraps src so that, once its scan has run for after, a
// progress line (items and megabytes scanned, items skipped, from the
// scanner's stats) is refreshed on w twice a second and ended by a newline.
// A quick scan prints nothing; a nil w returns src unchanged.
func WithProgress(src Source, w io.Writer, after time.Duration) Source {
	if w == nil {
		return src
	}
	return progressSource{Source: src, w: w, after: after}
}

type progressSource struct {
	Source
	w     io.Writer
	after time.Duration
}

func (p progressSource) Mode() report.Mode { return p.Source.Mode() }

func (p progressSource) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-stop:
			return
		case <-time.After(p.after):
		}
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			snap := sc.Stats().Snapshot()
			fmt.Fprintf(p.w, "\rscanned %d items, %d MB, %d skipped", snap.Files, snap.Bytes>>20, snap.Skipped)
			select {
			case <-stop:
				fmt.Fprintln(p.w)
				return
			case <-tick.C:
			}
		}
	}()
	res, err := p.Source.Scan(ctx, sc, col)
	close(stop)
	<-finished
	return res, err
}

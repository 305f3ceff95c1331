package scanner

import (
	"fmt"
	"sync"
)

// maxRecordedErrors bounds the error list kept in Stats so that a tree of a
// million unreadable files cannot exhaust memory; Errors still counts all.
const maxRecordedErrors = 1000

// Stats counts what a scan looked at and what it could not look at. It is
// safe for concurrent use.
type Stats struct {
	mu sync.Mutex
	// Files is the number of files, blobs or archive members scanned.
	Files int64
	// Bytes is the number of bytes scanned, after decompression.
	Bytes int64
	// Skipped is the number of items not scanned, or not scanned whole
	// (unreadable files, symlink loops, archives cut short by a limit).
	Skipped int64
	// Placeholders is the number of values in a credential's shape that were
	// suppressed as placeholders or masks.
	Placeholders int64
	// ErrorCount is the number of per-item errors, including those beyond
	// the first maxRecordedErrors kept in Errors.
	ErrorCount int64
	// Errors holds one human-readable line per skipped item or error.
	Errors []string
}

// AddFile counts one scanned item of n bytes.
func (s *Stats) AddFile(n int64) {
	s.mu.Lock()
	s.Files++
	s.Bytes += n
	s.mu.Unlock()
}

// AddPlaceholders counts n suppressed placeholders.
func (s *Stats) AddPlaceholders(n int) {
	s.mu.Lock()
	s.Placeholders += int64(n)
	s.mu.Unlock()
}

// Skip counts an item that was not scanned (or not whole) and records why.
func (s *Stats) Skip(what string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Skipped++
	s.record(what, err)
}

// Error records a per-item error that did not stop the item from being
// scanned at least in part.
func (s *Stats) Error(what string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(what, err)
}

func (s *Stats) record(what string, err error) {
	s.ErrorCount++
	if len(s.Errors) < maxRecordedErrors {
		s.Errors = append(s.Errors, fmt.Sprintf("%s: %v", what, err))
	}
}

// Snapshot returns a copy of the counters, safe to read without locking.
func (s *Stats) Snapshot() StatsSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := make([]string, len(s.Errors))
	copy(errs, s.Errors)
	return StatsSnapshot{Files: s.Files, Bytes: s.Bytes, Skipped: s.Skipped, Placeholders: s.Placeholders, ErrorCount: s.ErrorCount, Errors: errs}
}

// StatsSnapshot is a point-in-time copy of Stats, the shape reports render.
type StatsSnapshot struct {
	Files        int64    `json:"files"`
	Bytes        int64    `json:"bytes"`
	Skipped      int64    `json:"skipped"`
	Placeholders int64    `json:"placeholders"`
	ErrorCount   int64    `json:"error_count"`
	Errors       []string `json:"errors"`
}

// Add adds o's counters to s and appends o's errors, each behind prefix
// ("" for none): how the reports of several scans sum up.
func (s *StatsSnapshot) Add(o StatsSnapshot, prefix string) {
	s.Files += o.Files
	s.Bytes += o.Bytes
	s.Skipped += o.Skipped
	s.Placeholders += o.Placeholders
	s.ErrorCount += o.ErrorCount
	for _, e := range o.Errors {
		s.Errors = append(s.Errors, prefix+e)
	}
}

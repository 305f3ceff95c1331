package merge

import (
	"bytes"
	"io"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, and a
// report it accepts must survive a merge and a write, read back to the
// same bytes, and render in every format.
func FuzzRead(f *testing.F) {
	for _, raw := range shardReports(&testing.T{}) {
		f.Add(raw)
	}
	f.Add([]byte(`{"version":1,"findings":[],"stats":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Read("fuzz.json", bytes.NewReader(data))
		if err != nil {
			return
		}
		m := Merge([]Report{rep, rep})
		var once bytes.Buffer
		if err := WriteJSON(&once, m); err != nil {
			t.Fatal(err)
		}
		back, err := Read("again.json", bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("a merged report does not read back: %v\n%s", err, once.Bytes())
		}
		var twice bytes.Buffer
		WriteJSON(&twice, Merge([]Report{back}))
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("merge is not idempotent:\n%s\n%s", once.Bytes(), twice.Bytes())
		}
		for _, w := range []func(io.Writer, Report) error{WriteText, WriteSummary, func(w io.Writer, r Report) error { return WriteSARIF(w, r, "") }} {
			if err := w(io.Discard, m); err != nil {
				t.Fatal(err)
			}
		}
	})
}

package history

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseTree feeds tree objects from a hostile repository to the tree
// parser: it must return an error, never panic or loop.
func FuzzParseTree(f *testing.F) {
	f.Add([]byte("100644 a.txt\x00" + string(make([]byte, 20))))
	f.Add([]byte("40000 dir\x00" + string(make([]byte, 20)) + "160000 sub\x00" + string(make([]byte, 20))))
	f.Add([]byte("100644 truncated\x00abc"))
	f.Add([]byte(" \x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := parseTree(b)
		if err == nil {
			n := 0
			for _, e := range entries {
				n += len(e.name) + 21
			}
			if n > len(b) {
				t.Fatalf("entries cover %d bytes of %d", n, len(b))
			}
		}
	})
}

// FuzzLoadState feeds state files to the loader: anything it accepts has
// the right format and version; nothing panics.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"format":"clickup-secret-scan/history-state","version":1,"head":"","tips":{},"commits":[],"matched_blobs":[],"open":[]}`))
	f.Add([]byte(`{"format":"clickup-secret-scan/history-state","version":1,"open":[{"secret_id":"` + string(make([]byte, 64)) + `","object":"x","location":{}}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "s.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := loadState(p)
		if err == nil && (st == nil || st.Format != stateFormat || st.Version != stateVersion) {
			t.Fatalf("accepted a state of format %q", st.Format)
		}
	})
}

package action

import (
	"errors"
	"os"
	"testing"
)

func TestEventRanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file          string
		pr            bool
		base, head    string
		before, after string
	}{
		{file: "pull_request/opened.payload.json", pr: true, base: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", head: "ec26c3e57ca3a959ca5aad62de7213c562f8c821"},
		{file: "pull_request/synchronize.payload.json", pr: true, base: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", head: "ec26c3e57ca3a959ca5aad62de7213c562f8c821"},
		{file: "push/with-new-branch.payload.json", before: zeroSHA, after: "6113728f27ae82c7b1a177c8d03f9e96e0adf246"},
		{file: "push/payload.json", before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", after: zeroSHA},
	} {
		e, err := readEvent(payloads+tc.file, true)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if tc.pr {
			n, base, head, err := e.prRange()
			if err != nil || n != 2 || base != tc.base || head != tc.head {
				t.Errorf("%s: prRange = %d %s %s %v", tc.file, n, base, head, err)
			}
			continue
		}
		before, after, err := e.pushRange()
		if err != nil || before != tc.before || after != tc.after {
			t.Errorf("%s: pushRange = %s %s %v", tc.file, before, after, err)
		}
	}
	wd, err := readEvent(payloads+"workflow_dispatch/payload.json", false)
	if err != nil || wd.Repository == nil || wd.Repository.FullName != "octo-org/octo-repo" {
		t.Errorf("workflow_dispatch payload: %+v %v", wd, err)
	}
	if _, _, _, err := wd.prRange(); !errors.Is(err, ErrUsage) {
		t.Errorf("prRange on a non-PR payload: %v", err)
	}
	if e, err := readEvent("does-not-exist.json", false); err != nil || e == nil {
		t.Errorf("an optional missing payload: %v", err)
	}
}

// FuzzParseEvent: any payload bytes either fail to parse or give ranges
// that are well-formed commit ids; nothing panics.
func FuzzParseEvent(f *testing.F) {
	for _, p := range []string{"pull_request/opened.payload.json", "push/with-new-branch.payload.json"} {
		data, err := os.ReadFile(payloads + p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"pull_request":{"number":-1,"base":{"sha":"x"},"head":null},"merge_group":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := parseEvent(data)
		if err != nil {
			return
		}
		if _, base, head, err := e.prRange(); err == nil && (!shaRE().MatchString(base) || !shaRE().MatchString(head)) {
			t.Fatalf("prRange accepted %q..%q", base, head)
		}
		if before, after, err := e.pushRange(); err == nil && (!shaRE().MatchString(before) || !shaRE().MatchString(after)) {
			t.Fatalf("pushRange accepted %q..%q", before, after)
		}
	})
}

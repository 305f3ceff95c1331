package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLineDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		old, new       string
		added, removed []int
	}{
		{"identical", "a\nb\n", "a\nb\n", nil, nil},
		{"both empty", "", "", nil, nil},
		{"new file", "", "a\nb", []int{1, 2}, nil},
		{"deleted file", "a\nb\n", "", nil, []int{1, 2}},
		{"insert in the middle", "a\nb\nc\n", "a\nx\nb\nc\n", []int{2}, nil},
		{"replace one line", "a\nb\nc\n", "a\nB\nc\n", []int{2}, []int{2}},
		{"duplicate lines", "x\nx\nx\n", "x\nx\ny\nx\nx\n", []int{3, 5}, nil},
		{"move a line down", "a\nb\nc\nd\n", "b\nc\nd\na\n", []int{4}, []int{1}},
		{"missing final newline counts", "a\nb", "a\nb\n", []int{2}, []int{2}},
		{"shared lines reordered", "k\nv\nk\nv\n", "v\nk\nv\nk\n", []int{4}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			added, removed := lineDiff([]byte(tt.old), []byte(tt.new))
			if diff := cmp.Diff(tt.added, trueAt(added)); diff != "" {
				t.Errorf("added (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.removed, trueAt(removed)); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
		})
	}
}

func trueAt(mask []bool) []int {
	var out []int
	for i, v := range mask {
		if v {
			out = append(out, i)
		}
	}
	return out
}

func TestToRanges(t *testing.T) {
	t.Parallel()
	got := toRanges([]bool{false, true, true, false, true, false, false, true})
	want := []LineRange{{Start: 1, End: 2}, {Start: 4, End: 4}, {Start: 7, End: 7}}
	if !cmp.Equal(got, want) {
		t.Errorf("toRanges = %v, want %v", got, want)
	}
}

// TestLineDiffGivesUp: past maxEditDistance the shared lines count as
// unchanged, and lines unique to one side are still added or removed.
func TestLineDiffGivesUp(t *testing.T) {
	t.Parallel()
	var a, b strings.Builder
	for i := range 3 * maxEditDistance {
		// Two interleaved shared alphabets in opposite orders force a
		// large edit distance.
		a.WriteString(string(rune('a'+i%2)) + "\n")
		b.WriteString(string(rune('b'-i%2)) + "\n")
	}
	b.WriteString("unique\n")
	added, _ := lineDiff([]byte(a.String()), []byte(b.String()))
	if n := len(trueAt(added)); n < 1 {
		t.Errorf("the unique line was not marked added")
	}
}

// FuzzLineDiff checks the diff is a valid edit script: the old lines not
// removed equal the new lines not added, in order, and counts add up.
func FuzzLineDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nx\nc\n")
	f.Add("", "x")
	f.Add("k\nv\nk\nv\n", "v\nk\nv\nk\n")
	f.Add("a\r\nb", "a\nb\n")
	f.Fuzz(func(t *testing.T, old, new string) {
		added, removed := lineDiff([]byte(old), []byte(new))
		a, b := splitLines([]byte(old)), splitLines([]byte(new))
		if len(added) != len(b)+1 || len(removed) != len(a)+1 {
			t.Fatalf("mask sizes %d/%d for %d/%d lines", len(removed), len(added), len(a), len(b))
		}
		var keptA, keptB []string
		for i, l := range a {
			if !removed[i+1] {
				keptA = append(keptA, string(l))
			}
		}
		for j, l := range b {
			if !added[j+1] {
				keptB = append(keptB, string(l))
			}
		}
		if !cmp.Equal(keptA, keptB) {
			t.Errorf("kept lines differ: old keeps %d, new keeps %d", len(keptA), len(keptB))
		}
		if countLines([]byte(new)) != len(b) {
			t.Errorf("countLines = %d, splitLines = %d", countLines([]byte(new)), len(b))
		}
	})
}

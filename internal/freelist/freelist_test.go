package freelist

import "testing"

func TestListKeepsUpToItsSize(t *testing.T) {
	t.Parallel()
	made := 0
	l := New(2, func() *int { made++; return new(int) })
	a, b, c := l.Get(), l.Get(), l.Get()
	if made != 3 {
		t.Fatalf("an empty list made %d values for 3 gets, want 3", made)
	}
	l.Put(a)
	l.Put(b)
	l.Put(c) // dropped: the list holds two
	got := map[*int]bool{l.Get(): true, l.Get(): true}
	if !got[a] || !got[b] || made != 3 {
		t.Fatalf("the kept values were not handed out again (made %d)", made)
	}
	if l.Get(); made != 4 {
		t.Fatalf("a list emptied again made %d values, want 4", made)
	}
}

func TestListHandsOutTheValuePutBackLast(t *testing.T) {
	t.Parallel()
	l := New(4, func() *int { return new(int) })
	a, b, c := l.Get(), l.Get(), l.Get()
	l.Put(a)
	l.Put(b)
	l.Put(c)
	// A worker that puts its buffer back and asks again must get that
	// buffer, still mapped and cached, not the oldest one kept.
	for i, want := range []*int{c, b, a} {
		if got := l.Get(); got != want {
			t.Fatalf("get %d after putting back a, b, c did not return %s", i+1, []string{"c", "b", "a"}[i])
		}
	}
}

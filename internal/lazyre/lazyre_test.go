package lazyre

import "testing"

func TestNewCompilesOnceOnFirstCall(t *testing.T) {
	t.Parallel()
	re := New(`^[0-9a-f]{7,64}$`)
	first := re()
	if !first.MatchString("deadbeef") || first.MatchString("xyz") {
		t.Fatalf("the expression does not match as written")
	}
	if re() != first {
		t.Fatalf("a second call compiled the expression again")
	}
}

func TestNewPanicsOnFirstCallForABadExpression(t *testing.T) {
	t.Parallel()
	re := New(`(`) // must not panic here, only when used
	defer func() {
		if recover() == nil {
			t.Fatalf("a bad expression did not panic on first use")
		}
	}()
	re()
}

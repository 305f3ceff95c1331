package retry

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// script returns a try func that answers with the attempts in order and
// records which attempts were made and which were discarded.
func script(answers []Attempt, made, discarded *[]int) func(int) Attempt {
	return func(n int) Attempt {
		*made = append(*made, n)
		a := answers[n-1]
		a.Discard = func() { *discarded = append(*discarded, n) }
		return a
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	errSleep := errors.New("sleep cancelled")
	tests := []struct {
		name          string
		policy        Policy
		answers       []Attempt
		sleepErr      error
		wantMade      []int
		wantDiscarded []int
		wantWaits     []time.Duration
		wantStop      *StopError
		wantErr       error
	}{
		{"final at once", Policy{MaxAttempts: 3}, []Attempt{{}}, nil, []int{1}, nil, nil, nil, nil},
		{"retried until final", Policy{MaxAttempts: 3}, []Attempt{{Retry: true, Wait: time.Second}, {}}, nil,
			[]int{1, 2}, []int{1}, []time.Duration{time.Second}, nil, nil},
		{"attempts spent", Policy{MaxAttempts: 2}, []Attempt{{Retry: true, Wait: 1}, {Retry: true, Wait: 2}, {}}, nil,
			[]int{1, 2}, []int{1}, []time.Duration{1}, nil, nil},
		{"wait over MaxWait", Policy{MaxAttempts: 3, MaxWait: time.Second}, []Attempt{{Retry: true, Wait: 2 * time.Second}}, nil,
			[]int{1}, nil, nil, &StopError{Wait: 2 * time.Second, Limit: time.Second}, nil},
		{"wait equal to MaxWait", Policy{MaxAttempts: 2, MaxWait: time.Second}, []Attempt{{Retry: true, Wait: time.Second}, {}}, nil,
			[]int{1, 2}, []int{1}, []time.Duration{time.Second}, nil, nil},
		{"budget spent", Policy{MaxAttempts: 5, Budget: &Budget{Total: 3 * time.Second}},
			[]Attempt{{Retry: true, Wait: 2 * time.Second}, {Retry: true, Wait: 2 * time.Second}}, nil,
			[]int{1, 2}, []int{1}, []time.Duration{2 * time.Second}, &StopError{Wait: 2 * time.Second, Limit: 3 * time.Second, Budget: true}, nil},
		{"sleep fails", Policy{MaxAttempts: 3}, []Attempt{{Retry: true, Wait: 1}}, errSleep,
			[]int{1}, []int{1}, []time.Duration{1}, nil, errSleep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var made, discarded []int
			var waits []time.Duration
			p := tt.policy
			p.Sleep = func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return tt.sleepErr
			}
			err := Do(context.Background(), p, script(tt.answers, &made, &discarded))
			if !slices.Equal(made, tt.wantMade) || !slices.Equal(discarded, tt.wantDiscarded) || !slices.Equal(waits, tt.wantWaits) {
				t.Errorf("made %v, discarded %v, waited %v; want %v, %v, %v", made, discarded, waits, tt.wantMade, tt.wantDiscarded, tt.wantWaits)
			}
			var stop *StopError
			switch {
			case tt.wantStop != nil:
				if !errors.As(err, &stop) || *stop != *tt.wantStop {
					t.Errorf("err = %v, want %+v", err, tt.wantStop)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) || errors.As(err, &stop) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("err = %v, want nil", err)
			}
		})
	}
}

// TestBudgetShared checks that a budget bounds the waits of several calls
// together, and counts only the waits that were slept.
func TestBudgetShared(t *testing.T) {
	t.Parallel()
	b := &Budget{Total: 5 * time.Second}
	p := Policy{MaxAttempts: 2, Budget: b, Sleep: func(context.Context, time.Duration) error { return nil }}
	call := func() error {
		return Do(context.Background(), p, func(n int) Attempt { return Attempt{Retry: n == 1, Wait: 2 * time.Second} })
	}
	for i := range 2 {
		if err := call(); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	var stop *StopError
	if err := call(); !errors.As(err, &stop) || !stop.Budget {
		t.Errorf("third call: err = %v, want the budget spent", err)
	}
	if got := b.Waited(); got != 4*time.Second {
		t.Errorf("Waited = %v, want 4s", got)
	}
}

func TestSleepHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v, want nil", err)
	}
}

func TestTransient(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]bool{200: false, 401: false, 403: false, 404: false, 429: true, 500: true, 503: true} {
		if got := Transient(code); got != want {
			t.Errorf("Transient(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestHeadersWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	unix := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	github := Headers{ResetWhenSpent: true, ResetSlack: time.Second}
	clickup := Headers{DateFloor: time.Second, ResetFutureOnly: true}
	tests := []struct {
		name  string
		rules Headers
		h     map[string]string
		want  time.Duration
		ok    bool
	}{
		{"seconds", github, map[string]string{"Retry-After": " 7 "}, 7 * time.Second, true},
		{"zero seconds", clickup, map[string]string{"Retry-After": "0"}, 0, true},
		{"negative seconds is no wait", github, map[string]string{"Retry-After": "-3"}, 0, false},
		{"date", github, map[string]string{"Retry-After": now.Add(9 * time.Second).Format(http.TimeFormat)}, 9 * time.Second, true},
		{"past date, no floor", github, map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{"past date, floor", clickup, map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, time.Second, true},
		{"garbage", clickup, map[string]string{"Retry-After": "soon"}, 0, false},
		{"reset, quota left", github, map[string]string{"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": unix(30 * time.Second)}, 0, false},
		{"reset, quota spent", github, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": unix(30 * time.Second)}, 31 * time.Second, true},
		{"past reset, spent", github, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": unix(-time.Minute)}, 0, true},
		{"reset without remaining", clickup, map[string]string{"X-RateLimit-Reset": unix(20 * time.Second)}, 20 * time.Second, true},
		{"past reset ignored", clickup, map[string]string{"X-RateLimit-Reset": unix(-time.Minute)}, 0, false},
		{"Retry-After first", clickup, map[string]string{"Retry-After": "2", "X-RateLimit-Reset": unix(20 * time.Second)}, 2 * time.Second, true},
		{"none", clickup, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.h {
				h.Set(k, v)
			}
			got, ok := tt.rules.Wait(h, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Wait = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

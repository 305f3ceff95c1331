// Package retry runs an attempt again after a wait, within the bounds of a
// Policy: how many attempts, how long one wait may be, and how long all the
// waits of a run may add up to. The caller decides, attempt by attempt,
// whether an answer is final and how long the server asked it to wait, so
// that each API keeps its own rules (GitHub's secondary rate limits,
// ClickUp's 401 as a final answer) on one loop.
package retry

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// StopError says why Do stopped while attempts were left: the next wait
// was longer than Policy.MaxWait, or would pass the Policy.Budget.
type StopError struct {
	// Wait is the wait asked for before the next attempt.
	Wait time.Duration
	// Limit is the bound it passed: MaxWait, or the budget's Total.
	Limit time.Duration
	// Budget is true when the budget, not MaxWait, stopped the retries.
	Budget bool
}

func (e *StopError) Error() string {
	if e.Budget {
		return fmt.Sprintf("retry asked in %s, past the %s budget of all waits", e.Wait, e.Limit)
	}
	return fmt.Sprintf("retry asked in %s, more than the %s allowed", e.Wait, e.Limit)
}

// Policy bounds the retries of one call.
type Policy struct {
	// MaxAttempts is how many attempts are made in all, the first
	// included; 0 or 1 means no retry.
	MaxAttempts int
	// MaxWait is the longest single wait; a longer one ends the retries
	// with ErrWaitTooLong. 0 means no limit.
	MaxWait time.Duration
	// Budget bounds the sum of the waits of every call that shares it; nil
	// means no bound.
	Budget *Budget
	// Sleep waits for d or until ctx is done; nil means Sleep (a timer).
	// Tests replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Attempt is what one attempt tells Do.
type Attempt struct {
	// Retry is true when another attempt may get another answer (a 429, a
	// 5xx, a network error); false when the answer is final.
	Retry bool
	// Wait is how long to wait before the next attempt.
	Wait time.Duration
	// Discard, if set, releases what the attempt holds (a response body);
	// Do calls it only once it has decided to make another attempt, so the
	// caller still has an intact answer whenever Do stops.
	Discard func()
}

// Do calls try with attempt numbers 1, 2, ... (1-based) and waits between
// them as the policy allows. It returns nil when the last attempt's answer
// stands (try said it is final, or the attempts are spent); a *StopError
// when the next wait is beyond the policy (the last answer still stands,
// Discard was not called); or the error of Sleep (ctx done), after Discard.
func Do(ctx context.Context, p Policy, try func(attempt int) Attempt) error {
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	for attempt := 1; ; attempt++ {
		a := try(attempt)
		if !a.Retry || attempt >= p.MaxAttempts {
			return nil
		}
		if p.MaxWait > 0 && a.Wait > p.MaxWait {
			return &StopError{Wait: a.Wait, Limit: p.MaxWait}
		}
		if !p.Budget.allows(a.Wait) {
			return &StopError{Wait: a.Wait, Limit: p.Budget.Total, Budget: true}
		}
		if a.Discard != nil {
			a.Discard()
		}
		if err := sleep(ctx, a.Wait); err != nil {
			return err
		}
		p.Budget.spend(a.Wait)
	}
}

// Budget is a total wait shared by the calls of one run, so that a run
// throttled on every call still ends in bounded time. It is safe for
// concurrent use.
type Budget struct {
	// Total is the most all waits may add up to.
	Total time.Duration

	mu     sync.Mutex
	waited time.Duration
}

// Waited returns how long the calls sharing b have waited so far.
func (b *Budget) Waited() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waited
}

func (b *Budget) allows(d time.Duration) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waited+d <= b.Total
}

func (b *Budget) spend(d time.Duration) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.waited += d
	b.mu.Unlock()
}

// Sleep waits for d or until ctx is done, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Transient reports whether an HTTP status may change on another attempt:
// 429 Too Many Requests and every 5xx.
func Transient(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// Headers says how a server states the wait it asks for. APIs differ on
// the details, which each caller keeps.
type Headers struct {
	// DateFloor is the least wait taken from a Retry-After HTTP date, for a
	// date already past or a clock behind the server's.
	DateFloor time.Duration
	// ResetWhenSpent reads X-RateLimit-Reset only when
	// X-RateLimit-Remaining is 0 (GitHub sends the reset time on every
	// response, ClickUp only when it throttles).
	ResetWhenSpent bool
	// ResetSlack is added to the wait until X-RateLimit-Reset, for a clock
	// ahead of the server's.
	ResetSlack time.Duration
	// ResetFutureOnly ignores a reset time that is not after now.
	ResetFutureOnly bool
}

// Wait returns the wait h asks for at now: Retry-After in whole seconds or
// as an HTTP date, else X-RateLimit-Reset in Unix seconds; false when h
// states none that can be read.
func (r Headers) Wait(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), r.DateFloor), true
		}
	}
	if r.ResetWhenSpent && h.Get("X-RateLimit-Remaining") != "0" {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && (!r.ResetFutureOnly || s > now.Unix()) {
			return max(time.Unix(s, 0).Sub(now)+r.ResetSlack, 0), true
		}
	}
	return 0, false
}

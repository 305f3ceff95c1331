package action

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRetryDecisions(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tr := &transport{now: func() time.Time { return now }}
	resp := func(status int, h map[string]string) *http.Response {
		r := &http.Response{StatusCode: status, Header: http.Header{}}
		for k, v := range h {
			r.Header.Set(k, v)
		}
		return r
	}
	for _, tc := range []struct {
		name  string
		resp  *http.Response
		err   error
		retry bool
		wait  time.Duration
	}{
		{"429 Retry-After seconds", resp(429, map[string]string{"Retry-After": "3"}), nil, true, 3 * time.Second},
		{"429 Retry-After date", resp(429, map[string]string{"Retry-After": now.Add(5 * time.Second).Format(http.TimeFormat)}), nil, true, 5 * time.Second},
		{"403 secondary limit", resp(403, map[string]string{"Retry-After": "2"}), nil, true, 2 * time.Second},
		{"403 quota spent, reset soon", resp(403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Add(10*time.Second).Unix(), 10)}), nil, true, 11 * time.Second},
		{"403 quota spent, reset in an hour", resp(403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Add(time.Hour).Unix(), 10)}), nil, false, 0},
		{"403 permission (fork)", resp(403, nil), nil, false, 0},
		{"404", resp(404, nil), nil, false, 0},
		{"422", resp(422, nil), nil, false, 0},
		{"502", resp(502, nil), nil, true, baseBackoff},
		{"network error", nil, errors.New("connection refused"), true, baseBackoff},
		{"cancelled", nil, context.Canceled, false, 0},
	} {
		wait, retry := tr.retryAfter(tc.resp, tc.err, 1)
		if retry != tc.retry || (retry && wait != tc.wait) {
			t.Errorf("%s: retry=%v wait=%v, want retry=%v wait=%v", tc.name, retry, wait, tc.retry, tc.wait)
		}
	}
	if wait, _ := tr.retryAfter(resp(500, nil), nil, 3); wait != 4*baseBackoff {
		t.Errorf("third backoff = %v, want %v", wait, 4*baseBackoff)
	}
}

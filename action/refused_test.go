package action

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

func TestRefusedMarkerRoundTrip(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(1601).PersonalToken()
	rs := []refusal{
		newRefusal(strings.Repeat("a", 64), "big.js", 1, "Line could not be resolved"),
		// A hostile path must not end the HTML comment early.
		newRefusal(strings.Repeat("b", 64), "x --> <b>y</b>.js", 7, "Path could not be resolved"),
		// The marker is public: a path or reason that holds a token
		// must not put it there.
		newRefusal(strings.Repeat("c", 64), "cfg/"+tok+".env", 3, "Path cfg/"+tok+".env could not be resolved"),
	}
	body := withRefused("### headline\n", rs)
	if strings.Count(body, "-->") != 1 {
		t.Errorf("the marker can be ended early:\n%s", body)
	}
	if strings.Contains(body, tok) || strings.Contains(body, tok[len(tok)-8:]) {
		t.Errorf("the refused marker holds the raw token")
	}
	want := make([]refusal, len(rs))
	for i, r := range rs {
		r.Path = "" // the marker keeps the path's digest only
		want[i] = r
	}
	if got := parseRefused(body); !reflect.DeepEqual(got, want) {
		t.Errorf("parseRefused = %+v, want %+v", got, want)
	}
	if refusedKey(want[2].ID, want[2].PathDigest, 3) != refusedKey(rs[2].ID, pathDigest("cfg/"+tok+".env"), 3) {
		t.Errorf("a parsed refusal does not match the comment it was made for")
	}
	if withRefused("x", nil) != "x" || parseRefused("no marker") != nil {
		t.Errorf("no refusals must leave the body alone")
	}
	kept := keepRefused(rs[:1], rs[1:2], map[string]bool{rs[1].ID: true})
	if len(kept) != 1 || kept[0].ID != rs[1].ID {
		t.Errorf("keepRefused kept %+v, want only the finding still present", kept)
	}
}

func FuzzParseRefused(f *testing.F) {
	f.Add(withRefused("", []refusal{{ID: "abc", Path: "a.js", Line: 3, Reason: "Line could not be resolved"}}))
	f.Add(refusedPrefix + `[{"id":1}] -->`)
	f.Add(refusedPrefix + `[` + " -->")
	f.Fuzz(func(t *testing.T, body string) {
		rs := parseRefused(body)
		if rs == nil {
			return
		}
		// What was parsed survives a round trip.
		if again := parseRefused(withRefused("", rs)); len(again) != len(rs) && len(rs) <= maxRefused {
			t.Errorf("round trip lost refusals: %d -> %d", len(rs), len(again))
		}
	})
}

func ghErr(status int, message string, errs ...github.Error) error {
	return &github.ErrorResponse{Response: &http.Response{StatusCode: status, Request: &http.Request{Method: "POST"}}, Message: message, Errors: errs}
}

func TestDegradedWordingPerStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want []string
		bad  []string
	}{
		{"401", ghErr(401, "Bad credentials"), []string{"the github-token is invalid or expired"}, []string{"Bad credentials []"}},
		{"403 permission", ghErr(403, "Resource not accessible by integration"), []string{"403", "`pull-requests: write`", "forks"}, nil},
		{"403 rate limit", &github.RateLimitError{Response: &http.Response{StatusCode: 403, Request: &http.Request{}}}, []string{"rate limit"}, []string{"permissions"}},
		{"404", ghErr(404, "Not Found"), []string{"404: not found, or the token cannot see it", "`contents: read`"}, nil},
		{"422 with reasons", ghErr(422, "Unprocessable Entity", github.Error{Message: "Line could not be resolved"}), []string{"422", "Line could not be resolved"}, nil},
		{"422 with a field code", ghErr(422, "Validation Failed", github.Error{Field: "line", Code: "invalid"}), []string{"line invalid"}, nil},
		{"422 bare", ghErr(422, "Unprocessable Entity"), []string{"Unprocessable Entity"}, nil},
		{"other", errors.New("dial tcp: refused\nmore"), []string{"dial tcp: refused"}, []string{"more"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := degradedWrite("could not post", tc.err)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, b := range tc.bad {
				if strings.Contains(got, b) {
					t.Errorf("%q holds %q", got, b)
				}
			}
		})
	}
}

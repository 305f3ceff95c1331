package audit

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// FuzzWebhookHits feeds repository file contents, which are untrusted, to
// the webhook endpoint search: it must not panic, and every hit must name
// a line of the input and an http:// host, never a path or query.
func FuzzWebhookHits(f *testing.F) {
	f.Add([]byte("# ClickUp webhook\n{\"endpoint\": \"http://hooks.example.com/x?token=abc\"}\n"))
	f.Add([]byte("clickup webhook endpoint: 'http://[::1]:80/x'\n"))
	f.Add([]byte("clickup webhook WEBHOOK_URL=http://%zz\n"))
	f.Add([]byte("clickup\x00webhook endpoint=http://a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, h := range webhookHits(data) {
			n, rest, ok := strings.Cut(h, ": ")
			if !ok {
				t.Fatalf("hit %q has no line", h)
			}
			line, err := strconv.Atoi(n)
			if err != nil || line < 1 || line > lines {
				t.Fatalf("hit %q names line %s of %d", h, n, lines)
			}
			host, ok := strings.CutPrefix(rest, "http://")
			if !ok {
				t.Fatalf("hit %q is not an http URL", h)
			}
			if strings.ContainsAny(host, "/?#") {
				t.Fatalf("hit %q shows more than the host", h)
			}
		}
	})
}

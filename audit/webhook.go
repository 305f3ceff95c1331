package audit

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// httpEndpoint finds a plain-http URL given as a webhook endpoint: the
// "endpoint" field of ClickUp's webhook API, or a webhook/callback URL
// setting.
var httpEndpoint = lazyre.New(`(?i)["']?(?:endpoint|webhook[_-]?url|callback[_-]?url)["']?\s*[:=]\s*["'` + "`" + `]?(http://[^\s"'` + "`" + `<>]+)`)

// contextWindow is how many bytes around an endpoint must mention both
// ClickUp and webhooks for it to count as a ClickUp webhook.
const contextWindow = 2000

var (
	wordClickUp = []byte("clickup")
	wordWebhook = []byte("webhook")
)

// webhookHits returns "line: host" for each plain-http ClickUp webhook
// endpoint in data. Loopback hosts are left out: ClickUp cannot reach them,
// so they are local test settings, not endpoints.
func webhookHits(data []byte) []string {
	lower := bytes.ToLower(data)
	if !bytes.Contains(lower, wordClickUp) || !bytes.Contains(lower, wordWebhook) {
		return nil
	}
	var out []string
	for _, m := range httpEndpoint().FindAllSubmatchIndex(data, -1) {
		lo, hi := max(m[0]-contextWindow, 0), min(m[1]+contextWindow, len(data))
		win := lower[lo:hi]
		if !bytes.Contains(win, wordClickUp) || !bytes.Contains(win, wordWebhook) {
			continue
		}
		raw := string(data[m[2]:m[3]])
		// Only scheme and host are shown: a path or query may hold a token
		// of its own.
		hostPart := raw[len("http://"):]
		if i := strings.IndexAny(hostPart, "/?#"); i >= 0 {
			hostPart = hostPart[:i]
		}
		if u, err := url.Parse(raw); err == nil && u.Host != "" && isLoopbackHost(u.Hostname()) {
			continue
		}
		host := "http://" + hostPart
		line := 1 + bytes.Count(data[:m[2]], []byte("\n"))
		out = append(out, fmt.Sprintf("%d: %s", line, host))
	}
	return out
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func (a *auditor) checkWebhooks(ctx context.Context) report.Check {
	c := report.Check{ID: "webhook-https", Title: "ClickUp webhook endpoints use https://"}
	if a.gitignore == nil {
		c.Status = report.CheckError
		c.Details = []string{"could not read the work tree"}
		return c
	}
	checked := 0
	for _, rel := range a.gitignore.files {
		if ctx.Err() != nil {
			c.Status = report.CheckError
			c.Details = []string{ctx.Err().Error()}
			return c
		}
		p := filepath.Join(a.root, filepath.FromSlash(rel))
		fi, err := os.Stat(p)
		if err != nil || fi.Size() > maxTextFile {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil || bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
			continue
		}
		checked++
		for _, h := range webhookHits(data) {
			if len(c.Details) < maxListedPaths {
				c.Details = append(c.Details, rel+":"+h)
			}
		}
	}
	if len(c.Details) == 0 {
		c.Status = report.CheckPass
		c.Details = []string{fmt.Sprintf("%d text file(s) checked", checked)}
		return c
	}
	c.Status = report.CheckFail
	c.Fix = []string{
		"serve the webhook receiver over https:// and update each webhook: PUT https://api.clickup.com/api/v2/webhook/{webhook_id} with {\"endpoint\": \"https://...\"}",
		"over http the payload and its X-Signature travel in clear and can be read or replayed; verify the signature with the webhook secret on every call",
	}
	return c
}

package scanner

import (
	"fmt"
	"strings"
	"testing"
)

// TestEscapedTokenRightAfterBase64Run checks the escape probes that ride on
// the run search where it jumps: a token wholly in \u escapes right after a
// long base64 run, at every offset modulo the probe stride, in a small and
// a large window. The run search skips the words inside a run; a probe
// word lost there must not lose the token.
func TestEscapedTokenRightAfterBase64Run(t *testing.T) {
	t.Parallel()
	var esc strings.Builder
	for i := 0; i < len(testToken); i++ {
		fmt.Fprintf(&esc, `\u%04x`, testToken[i])
	}
	run := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 4) // base64 letters, no token inside
	for _, size := range []int{4 << 10, 2 * exhaustiveESC} {
		for shift := 0; shift < probeStride; shift++ {
			for _, runLen := range []int{minBlobRun, minBlobRun + 7, len(run)} {
				pad := strings.Repeat(" ", shift)
				buf := []byte(pad + "x=\"" + run[:runLen] + "\"+\"" + esc.String() + "\";\n")
				for len(buf) < size {
					buf = append(buf, "var a = b && c;\n"...)
				}
				var got []rawMatch
				matchWindow(buf, 0, func(m rawMatch) { got = append(got, m) })
				if len(got) != 1 || got[0].value != testToken || got[0].encoding != "escape" {
					t.Fatalf("window %d B, shift %d, run %d: want the escaped token once (escape), got %d matches: %s",
						size, shift, runLen, len(got), describeRaw(got))
				}
			}
		}
	}
}

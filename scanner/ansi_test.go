package scanner

import (
	"fmt"
	"strings"
	"testing"
)

// TestANSILargeColouredLog checks the probed path for windows above
// exhaustiveESC: a long grep --color=always output, each line coloured,
// with a token split by the colour of a match in the middle.
func TestANSILargeColouredLog(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	line := 0
	for b.Len() < 4*exhaustiveESC {
		line++
		fmt.Fprintf(&b, "\x1b[35m\x1b[Ksrc/app.js\x1b[m\x1b[K\x1b[36m\x1b[K:\x1b[m\x1b[K\x1b[32m\x1b[K%d\x1b[m\x1b[K\x1b[36m\x1b[K:\x1b[m\x1b[Kconst user = \x1b[01;31m\x1b[Kload\x1b[m\x1b[K(id);\n", line)
	}
	want := line + 1
	fmt.Fprintf(&b, "\x1b[35m\x1b[K.env\x1b[m\x1b[K\x1b[36m\x1b[K:\x1b[m\x1b[KCLICKUP_API_TOKEN=%s\x1b[01;31m\x1b[K%s\x1b[m\x1b[K%s\n", testToken[:3], testToken[3:10], testToken[10:])
	b.WriteString(strings.Repeat("\x1b[32mok\x1b[0m plain line of the log\n", exhaustiveESC/16))
	ms, stats := scanString(t, "grep.log", []byte(b.String()))
	if len(ms) != 1 || ms[0].Secret.Reveal() != testToken || ms[0].Line != want || ms[0].Encoding != "ansi" || ms[0].Key != "CLICKUP_API_TOKEN" {
		t.Fatalf("want the split token on line %d (ansi, key CLICKUP_API_TOKEN), got %s", want, describe(ms, stats))
	}
}

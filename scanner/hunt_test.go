package scanner

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// Regression tests for detection bugs found by a review that hunted for
// missed credentials and false reports; each failed before its fix.

// scanFile writes data to a file called name and scans it from disk, as
// dir does (an *os.File is read in place).
func scanFile(t *testing.T, name string, data []byte) ([]Match, StatsSnapshot) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stats := &Stats{}
	ms, err := New(Options{}, stats).Scan(context.Background(), name, f)
	if err != nil {
		t.Fatalf("Scan(%s): %v", name, err)
	}
	return ms, stats.Snapshot()
}

func hasSecret(ms []Match, raw string) bool {
	for _, m := range ms {
		if m.Secret.Reveal() == raw {
			return true
		}
	}
	return false
}

// A token after a doubly URL-encoded separator (%253D, %2520): the D or 0
// that ends the escape is not a letter glued to the token.
func TestTokenAfterDoublyURLEncodedSeparator(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(101).PersonalToken()
	for _, in := range []string{
		"u=https%253A%252F%252Fx.io%253Ftoken%253D" + strings.ReplaceAll(tok, "_", "%255F"),
		"q=hello%2520" + tok,
	} {
		if ms, _ := scanString(t, "access.log", []byte(in)); !hasSecret(ms, tok) {
			t.Errorf("missed the token in %.30q...", in)
		}
	}
}

// A base64url value in a URL path shares its run with the path's slashes;
// both alphabets are decoded as one.
func TestBase64URLInURLPath(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(102)
	for tries := 0; tries < 100; tries++ {
		tok := g.PersonalToken()
		payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"u1","tok":"` + tok + `","x":"??>>??"}`))
		if !strings.ContainsAny(payload, "-_") {
			continue
		}
		in := "GET https://app.example.com/oauth/callback/" + payload + " HTTP/1.1\n"
		if ms, _ := scanString(t, "access.log", []byte(in)); !hasSecret(ms, tok) {
			t.Errorf("missed the token in a base64url path segment")
		}
		return
	}
	t.Fatal("no payload with - or _ in 100 tries")
}

// A context credential whose value ends 551 bytes before the keyword is
// within contextReach of it and must be found, as at 500 bytes.
func TestContextValueAtTheEdgeOfReach(t *testing.T) {
	t.Parallel()
	sec := fixtures.NewGen(103).LongSecret()
	for _, gap := range []int{500, 540, 560} {
		in := `{"client_secret":"` + sec + `","n":"` + strings.Repeat("x", gap) + `","provider":"clickup"}`
		if ms, _ := scanString(t, "c.json", []byte(in)); !hasSecret(ms, sec) {
			t.Errorf("gap %d: missed the client secret", gap)
		}
	}
}

// A gzip header longer than the sniffed head (long name and comment) is
// still recognised as gzip and its content scanned.
func TestGzipHeaderLongerThanSniff(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(104).PersonalToken()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Name, zw.Comment = strings.Repeat("n", 300)+".env", strings.Repeat("c", 300)
	zw.Write([]byte("T=" + tok + "\n"))
	zw.Close()
	if ms, _ := scanString(t, "x.gz", b.Bytes()); !hasSecret(ms, tok) {
		t.Errorf("missed the token in a gzip file with a long header")
	}
}

// A doubly escaped letter right after a token glues it to a longer word,
// as a single escape does.
func TestDoubleEscapeAfterToken(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(105).PersonalToken()
	for _, in := range []string{"x=" + tok + "%2541", "x=" + tok + "%255Fsuffix", `x="` + tok + `\\u0041"`} {
		if ms, _ := scanString(t, "a.txt", []byte(in)); hasSecret(ms, tok) {
			t.Errorf("reported a token glued to an escaped letter: ...%q", in[len(in)-8:])
		}
	}
	// A doubly escaped separator still ends it.
	if ms, _ := scanString(t, "a.txt", []byte("x="+tok+"%2520y")); !hasSecret(ms, tok) {
		t.Errorf("missed a token followed by %%2520")
	}
}

// A Spring Boot "fully executable" jar (a launch script, then the zip) is
// opened as a zip, and its script is scanned too.
func TestExecutableJar(t *testing.T) {
	t.Parallel()
	inJar, inScript := fixtures.NewGen(106).PersonalToken(), fixtures.NewGen(107).PersonalToken()
	jar := fixtures.ZipBytes(map[string]string{"BOOT-INF/classes/application.properties": "clickup.token=" + inJar + "\n"})
	script := "#!/bin/bash\n# CLICKUP_API_TOKEN=" + inScript + "\nexec java -jar \"$0\" \"$@\"\nexit 0\n"
	ms, stats := scanFile(t, "app.jar", append([]byte(script), jar...))
	var member, stub bool
	for _, m := range ms {
		member = member || (m.Secret.Reveal() == inJar && m.InnerPath == "BOOT-INF/classes/application.properties")
		stub = stub || (m.Secret.Reveal() == inScript && m.InnerPath == "" && m.Line == 2)
	}
	if !member || !stub {
		t.Errorf("member token found: %v, launch script token found on line 2: %v (%d matches, %d errors)", member, stub, len(ms), stats.ErrorCount)
	}
}

// A shell script that merely mentions a zip's magic is scanned as text.
func TestScriptIsNotAZip(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(108).PersonalToken()
	ms, stats := scanFile(t, "x.sh", []byte("#!/bin/sh\n# PK\x03\x04 and PK\x05\x06 in a comment\nexport CLICKUP_API_TOKEN="+tok+"\n"))
	if !hasSecret(ms, tok) || stats.ErrorCount != 0 {
		t.Errorf("want the token found and no error, got %d matches, %d errors", len(ms), stats.ErrorCount)
	}
}

// A token escaped (\u005f, %5F) or base64-encoded once more inside a
// base64 blob is found at every byte alignment (depth 2).
func TestBase64OfEncodedToken(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(109)
	for pre := 0; pre < 3; pre++ {
		tok := g.PersonalToken()
		for name, inner := range map[string]string{
			"json-escaped":    strings.ReplaceAll(tok, "_", `\u005f`),
			"url-encoded":     strings.ReplaceAll(tok, "_", "%5F"),
			"base64 of it":    base64.StdEncoding.EncodeToString([]byte(tok)),
			"base64url of it": base64.RawURLEncoding.EncodeToString([]byte("t=" + tok)),
		} {
			in := "data: " + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(" ", pre)+"t="+inner+"\n")) + "\n"
			if ms, _ := scanString(t, "secret.yaml", []byte(in)); !hasSecret(ms, tok) {
				t.Errorf("%s at alignment %d: missed", name, pre)
			}
		}
	}
}

func utf16LEWithBOM(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// A file that starts in UTF-16 and goes on in UTF-8 (a PowerShell
// transcript with appended output) is also scanned raw.
func TestUTF16ThenUTF8(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(110).PersonalToken()
	data := append(utf16LEWithBOM("Transcript started\r\n"+strings.Repeat("PS> Get-Item foo\r\n", 20)), "\nexport CLICKUP_API_TOKEN="+tok+"\n"...)
	if ms, _ := scanString(t, "ci.log", data); !hasSecret(ms, tok) {
		t.Errorf("missed the UTF-8 token after UTF-16 text")
	}
}

// A byte order mark before text with no ASCII in the first 512 bytes
// (CJK) is still UTF-16.
func TestUTF16BOMBeforeNonASCII(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(111).PersonalToken()
	data := utf16LEWithBOM(strings.Repeat("中文说明文字", 50) + "\nCLICKUP_API_TOKEN=" + tok + "\n")
	ms, _ := scanString(t, "notes.txt", data)
	if !hasSecret(ms, tok) || ms[0].Encoding != "utf-16le" {
		t.Errorf("missed the token in UTF-16 text that starts with CJK (%d matches)", len(ms))
	}
}

// A segment decoded around a hit 2 KB away may end right after a token
// that goes on with more letters in the blob: the cut is not a word
// boundary, so nothing is reported, as for the same text in plain.
func TestBase64SegmentCutIsNotABoundary(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(112).PersonalToken()
	pre := strings.Repeat("x=1;", 800)
	k := len(pre) + 3
	plain := pre + "# clickup\n"
	end := 3*(k/3) + 1536
	plain += strings.Repeat("y", end-len(tok)-len(plain)-1) + " " + tok + "ABCDEF " + strings.Repeat("z=2;", 800)
	if ms, _ := scanString(t, "plain.txt", []byte(plain)); hasSecret(ms, tok) {
		t.Fatalf("the plain text reports the glued token; the test input is wrong")
	}
	in := "blob: " + base64.StdEncoding.EncodeToString([]byte(plain)) + "\n"
	if ms, _ := scanString(t, "a.yaml", []byte(in)); hasSecret(ms, tok) {
		t.Errorf("reported a token glued to more letters because a decoded segment ended after it")
	}
}

// Context credentials passed rather than assigned: a sibling name field
// (Kubernetes, ECS, SSM), a default in a getenv-style call, the function
// they are passed to, the variable they are the fallback of.
func TestContextSecretsPassedNotAssigned(t *testing.T) {
	t.Parallel()
	sec := fixtures.NewGen(113).LongSecret()
	for _, tt := range []struct {
		name, text string
		want       bool
	}{
		{"k8s env", "containers:\n  - name: clickup-sync\n    env:\n      - name: CLICKUP_CLIENT_SECRET\n        value: \"" + sec + "\"\n", true},
		{"ecs json", `{"environment":[{"name":"CLICKUP_CLIENT_SECRET","value":"` + sec + `"}]}`, true},
		{"ssm parameter", "resource \"aws_ssm_parameter\" \"c\" {\n  name  = \"/prod/clickup/client_secret\"\n  value = \"" + sec + "\"\n}\n", true},
		{"python getenv default", "CLIENT = os.getenv(\"CLICKUP_CLIENT_SECRET\", \"" + sec + "\")\n", true},
		{"ruby fetch default", "ENV.fetch('CLICKUP_WEBHOOK_SECRET', '" + sec + "')\n", true},
		{"php define", "define('CLICKUP_CLIENT_SECRET', '" + sec + "');\n", true},
		{"js fallback", "const s = process.env.CLICKUP_CLIENT_SECRET || \"" + sec + "\";\n", true},
		{"js nullish", "const s = process.env.CLICKUP_CLIENT_SECRET ?? '" + sec + "';\n", true},
		{"java setter", "clickup.setClientSecret(\"" + sec + "\");\n", true},
		{"unrelated default near clickup", "# clickup sync\nHOME = os.getenv(\"HOME\", \"" + sec + "\")\n", false},
		{"unrelated name near clickup", "# clickup sync\n- name: BUILD_ID\n  value: \"" + sec + "\"\n", false},
	} {
		ms, _ := scanString(t, "cfg", []byte(tt.text))
		if got := hasSecret(ms, sec); got != tt.want {
			t.Errorf("%s: reported %v, want %v", tt.name, got, tt.want)
		}
	}
}

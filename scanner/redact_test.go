package scanner

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRedactShapes(t *testing.T) {
	t.Parallel()
	tok := testToken
	tests := []struct{ in, want string }{
		{"no token here", "no token here"},
		{"dist/" + tok + ".fifo: not a regular file", "dist/pk_7043602_…G8VY.fifo: not a regular file"},
		{"refs/heads/feat/x" + tok + "y", "refs/heads/feat/xpk_7043602_…G8VYy"},
		{tok + tok, "pk_7043602_…G8VYpk_7043602_…G8VY"},
		{"pk_live_51Hc8ZK pk_users_id", "pk_live_51Hc8ZK pk_users_id"},
		// Underscores spelled as a reader decodes them back to "_".
		{"reason: " + strings.ReplaceAll(tok, "_", `\_`) + " end", "reason: pk_7043602_…G8VY end"},
		{"leak/" + strings.ReplaceAll(tok, "_", "%5F") + ".txt", "leak/pk_7043602_…G8VY.txt"},
		{`"` + strings.ReplaceAll(tok, "_", `\u005f`) + `"`, `"pk_7043602_…G8VY"`},
		{"'" + strings.ReplaceAll(tok, "_", `\x5F`) + "'", "'pk_7043602_…G8VY'"},
		{strings.Replace(tok, "_", "%5f", 1), "pk_7043602_…G8VY"},
		{strings.ReplaceAll(tok, "_", "%255F") + ".txt", "pk_7043602_…G8VY.txt"},
		{strings.ReplaceAll(tok, "_", "%25255F"), "pk_7043602_…G8VY"},
		{strings.ReplaceAll(tok, "_", `\\\\_`), "pk_7043602_…G8VY"},
		{"pk%5Flive%5F51Hc8ZK pk\\_users\\_id spk pk", "pk%5Flive%5F51Hc8ZK pk\\_users\\_id spk pk"},
	}
	for _, tt := range tests {
		if got := RedactShapesString(tt.in); got != tt.want {
			t.Errorf("RedactShapesString(%q) = %q, want %q", RedactShapesString(tt.in), got, tt.want)
		}
	}
}

func TestRedactingWriterKeepsAddMaskAndJoinsSplitWrites(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := &RedactingWriter{W: &buf}
	w.Write([]byte("::add-mask::" + testToken + "\n"))
	w.Write([]byte("warning: file " + testToken[:20]))
	w.Write([]byte(testToken[20:] + ".txt skipped\nlast line " + testToken))
	w.Flush()
	out := buf.String()
	if strings.Count(out, testToken) != 1 || !strings.HasPrefix(out, "::add-mask::"+testToken+"\n") {
		t.Fatalf("want the raw token only on the add-mask line, got %q", RedactShapesString(out))
	}
	if !strings.Contains(out, "pk_7043602_…G8VY.txt skipped\n") || !strings.HasSuffix(out, "last line pk_7043602_…G8VY") {
		t.Errorf("split or unterminated lines not redacted: %q", RedactShapesString(out))
	}
}

// FuzzRedactShapes feeds arbitrary output text, with a token planted at
// pos under one of the underscore spellings, or (sep past those) spelled
// whole in one of tokenSpellings: the token must come out redacted, text
// with neither "pk" nor an escape must come out unchanged, and redacting
// twice must change nothing more.
func FuzzRedactShapes(f *testing.F) {
	f.Add([]byte("dist/app.js: nothing here"), uint16(0), uint8(0))
	f.Add([]byte("reason: rotated, see pk\\_ and pk%5F"), uint16(8), uint8(1))
	f.Add([]byte("pkpkpk_pk_1234567_ pk\\u005f"), uint16(3), uint8(5))
	f.Fuzz(func(t *testing.T, text []byte, pos uint16, sep uint8) {
		if !bytes.Contains(text, []byte("pk")) && !bytes.ContainsAny(text, spellingOpeners) {
			if got := RedactShapes(text); !bytes.Equal(got, text) {
				t.Fatalf("text without pk changed: %q -> %q", text, got)
			}
		}
		var planted []byte
		if k := int(sep) % (len(shapeSeparators) + len(tokenSpellings)); k < len(shapeSeparators) {
			planted = bytes.ReplaceAll([]byte(testToken), []byte("_"), shapeSeparators[k])
		} else {
			planted = []byte(tokenSpellings[k-len(shapeSeparators)].spell(testToken))
		}
		at := int(pos) % (len(text) + 1)
		in := append(append(append([]byte{}, text[:at]...), planted...), text[at:]...)
		out := RedactShapes(in)
		if bytes.Contains(out, planted) || bytes.Contains(out, []byte(testToken)) || bytes.Contains(out, []byte(tail)) {
			t.Fatalf("planted token (spelled %q) survived redaction", RedactShapes(planted))
		}
		if again := RedactShapes(out); !bytes.Equal(again, out) {
			t.Fatalf("redacting twice changed the text")
		}
	})
}

// TestRedactShapesInJSON: a reason or path quoting the token escaped, once
// encoded as JSON (where the backslash doubles), is redacted in the
// document, which stays valid JSON whose decoded text holds no token.
func TestRedactShapesInJSON(t *testing.T) {
	t.Parallel()
	for _, sep := range []string{"_", `\_`, "%5F", `\u005f`, `\u005F`, `\x5f`, `\x5F`} {
		doc, err := json.Marshal(map[string]string{"reason": "see " + strings.ReplaceAll(testToken, "_", sep) + " here"})
		if err != nil {
			t.Fatal(err)
		}
		out := RedactShapes(doc)
		var back map[string]string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("separator %q: redacted JSON is invalid: %v", sep, err)
		}
		decode := strings.NewReplacer(`\_`, "_", "%5F", "_", `\u005f`, "_", `\u005F`, "_", `\x5f`, "_", `\x5F`, "_")
		if got := decode.Replace(back["reason"]); strings.Contains(got, testToken) {
			t.Errorf("separator %q: the decoded JSON still spells the token", sep)
		}
	}
}

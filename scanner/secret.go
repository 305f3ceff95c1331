package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Secret holds a raw credential. Every way of printing it (String, Format,
// GoString, MarshalJSON, MarshalText) yields the redacted form, so that a
// secret cannot reach a log, a report or a test failure message by accident.
// Reveal is the one deliberate way out, for hashing and live verification.
type Secret struct {
	raw string
}

// NewSecret wraps raw credential bytes.
func NewSecret(raw string) Secret { return Secret{raw: raw} }

// Reveal returns the raw credential. Callers must never print it.
func (s Secret) Reveal() string { return s.raw }

// IsZero reports whether s holds nothing.
func (s Secret) IsZero() bool { return s.raw == "" }

// ID returns the lowercase hex SHA-256 of the raw secret bytes, the stable
// identifier of a finding: `printf %s "$TOKEN" | sha256sum` gives the same.
func (s Secret) ID() string {
	sum := sha256.Sum256([]byte(s.raw))
	return hex.EncodeToString(sum[:])
}

// Redacted returns a form safe to show: for a personal token the prefix and
// user id, an ellipsis and the last 4 characters (pk_7043602_…L8VY); for
// other kinds the first 2 and the last 4 characters around the ellipsis.
// Secrets shorter than 16 bytes show only the ellipsis and their length.
func (s Secret) Redacted() string {
	r := s.raw
	if len(r) < 16 {
		return fmt.Sprintf("…(%d chars)", len(r))
	}
	last4 := r[len(r)-4:]
	if strings.HasPrefix(r, "pk_") {
		if i := strings.IndexByte(r[3:], '_'); i > 0 {
			return r[:3+i+1] + "…" + last4
		}
	}
	if i := strings.IndexByte(r, '_'); i > 0 && i < 12 && isAllDigits(r[:i]) {
		// OAuth access token: the user id before the underscore is not secret.
		return r[:i+1] + "…" + last4
	}
	return r[:2] + "…" + last4
}

// String implements fmt.Stringer with the redacted form.
func (s Secret) String() string { return s.Redacted() }

// GoString implements fmt.GoStringer so %#v redacts too.
func (s Secret) GoString() string { return "scanner.Secret(" + s.Redacted() + ")" }

// Format implements fmt.Formatter: every verb prints the redacted form.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.Redacted())
		return
	}
	fmt.Fprint(f, s.Redacted())
}

// MarshalJSON encodes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.Redacted())
}

// MarshalText encodes the redacted form, so encoders that prefer
// encoding.TextMarshaler (map keys, XML, YAML) redact too.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Redacted()), nil }

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

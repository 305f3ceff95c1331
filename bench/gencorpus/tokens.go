package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
)

// alnum is the alphabet of a personal token's 32-character body, in the
// order a placeholder filter would call "sequential".
const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// placeholderWords are substrings that make a token look like documentation
// rather than a leak. The project's matcher suppresses at least EXAMPLE,
// XXXX, TEST, FAKE, DUMMY and SAMPLE; the rest are avoided so that a planted
// token is never mistaken for a placeholder by a stricter filter.
var placeholderWords = []string{
	"EXAMPLE", "XXX", "TEST", "FAKE", "DUMMY", "SAMPLE", "REDACT", "TOKEN",
	"SECRET", "PLACE", "YOUR", "CHANGE", "MASK", "DEMO", "NULL", "NONE",
	"KEY", "PASS", "TODO", "FIXME", "ABC", "XYZ", "QWERTY",
}

// token is one planted fake ClickUp personal token. raw never leaves the
// generator in clear: the manifest carries only its id and redacted form.
type token struct {
	raw    string
	userID string
}

func (t token) id() string {
	sum := sha256.Sum256([]byte(t.raw))
	return hex.EncodeToString(sum[:])
}

// redacted mirrors scanner.Secret.Redacted for personal tokens:
// pk_<user id>_…<last 4>.
func (t token) redacted() string {
	return "pk_" + t.userID + "_…" + t.raw[len(t.raw)-4:]
}

// newToken draws a personal token in the exact ClickUp shape (pk_ + 7 to 9
// digits + _ + 32 of [0-9A-Z]) that no placeholder rule can suppress, and
// that differs from every token in seen.
func newToken(rng *rand.Rand, seen map[string]bool) token {
	for {
		n := 7 + rng.IntN(3)
		uid := make([]byte, n)
		uid[0] = alnum[1+rng.IntN(9)]
		for i := 1; i < n; i++ {
			uid[i] = alnum[rng.IntN(10)]
		}
		body := make([]byte, 32)
		for i := range body {
			body[i] = alnum[rng.IntN(len(alnum))]
		}
		if !plausible(string(uid)) || !plausible(string(body)) || !mixed(body) {
			continue
		}
		raw := "pk_" + string(uid) + "_" + string(body)
		if seen[raw] {
			continue
		}
		seen[raw] = true
		return token{raw: raw, userID: string(uid)}
	}
}

// plausible reports whether s has no run of 3 sequential characters
// (ascending or descending in alnum order), no character repeated 3 times
// in a row, and none of the placeholder words. It is stricter than the
// matcher's filter on purpose: a planted token must be unambiguous.
func plausible(s string) bool {
	for i := 2; i < len(s); i++ {
		a := strings.IndexByte(alnum, s[i-2])
		b := strings.IndexByte(alnum, s[i-1])
		c := strings.IndexByte(alnum, s[i])
		if b-a == c-b && (c-b == 1 || c-b == -1 || c-b == 0) {
			return false
		}
	}
	for _, w := range placeholderWords {
		if strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// mixed reports whether body has at least 4 digits and 4 letters, so that no
// entropy or character-class heuristic can call it a placeholder.
func mixed(body []byte) bool {
	var digits, letters int
	for _, c := range body {
		if c >= '0' && c <= '9' {
			digits++
		} else {
			letters++
		}
	}
	return digits >= 4 && letters >= 4
}

// nearMiss returns a string that looks like a ClickUp credential to a naive
// pattern but must never be reported: other vendors' pk_ keys, Mapbox
// tokens, SQL names, masks, placeholders in a valid shape, and valid shapes
// glued to a longer word. clickup says whether the file may mention ClickUp
// (then masks and placeholders named after ClickUp appear too).
func nearMiss(rng *rand.Rand, clickup bool) string {
	n := 16
	if clickup {
		n = 20
	}
	switch rng.IntN(n) {
	case 0: // Stripe publishable key.
		return "pk_live_51" + randFrom(rng, mixedAlnum, 97)
	case 1:
		return "pk_test_51" + randFrom(rng, mixedAlnum, 97)
	case 2: // Clerk: base64 of the frontend API host plus '$'.
		host := "clerk." + randFrom(rng, lower, 6+rng.IntN(6)) + ".dev$"
		return "pk_test_" + base64.StdEncoding.EncodeToString([]byte(host))
	case 3: // Paystack.
		return "pk_live_" + randFrom(rng, hexLower, 40)
	case 4: // Magic.
		return "pk_live_" + randFrom(rng, hexUpper, 16)
	case 5: // Checkout.com sandbox.
		return "pk_sbox_" + randFrom(rng, lowerDigits, 26)
	case 6: // Liveblocks.
		return "pk_prod_" + randFrom(rng, mixedAlnum+"_-", 48)
	case 7: // Mapbox public token.
		return "pk.eyJ1Ijoi" + randFrom(rng, base64URL, 40) + "." + randFrom(rng, base64URL, 22)
	case 8: // SQL / ORM names.
		return []string{"pk_users_id", "pk_orders_id", "pk_id", "pk_order_items", "pk_tenant_user_role"}[rng.IntN(5)]
	case 9:
		return "PK_" + randFrom(rng, hexLower, 24)
	case 10: // A valid shape right after a letter: part of a longer word.
		return "x" + validShape(rng)
	case 11: // 33 characters: the body runs on.
		return validShape(rng) + string(alnum[rng.IntN(len(alnum))])
	case 12: // Followed by an underscore: still a longer word.
		return validShape(rng) + "_id"
	case 13: // A lowercase letter in the body.
		s := []byte(validShape(rng))
		s[len(s)-1-rng.IntN(32)] = lower[rng.IntN(len(lower))]
		return string(s)
	case 14: // 6 and 10 digits.
		if rng.IntN(2) == 0 {
			return "pk_" + randFrom(rng, digits, 6) + "_" + randFrom(rng, alnum, 32)
		}
		return "pk_" + randFrom(rng, digits, 10) + "_" + randFrom(rng, alnum, 32)
	case 15: // Placeholders in a valid shape.
		return placeholder(rng)
	case 16:
		return "${{ secrets.CLICKUP_API_TOKEN }}"
	case 17: // Masked in a log line.
		return "CLICKUP_TOKEN=pk_" + randFrom(rng, digits, 7) + "_" + strings.Repeat("*", 28) + randFrom(rng, alnum, 4)
	case 18:
		return "clickup_token: [REDACTED]"
	default:
		return "CLICKUP_API_TOKEN=" + placeholder(rng)
	}
}

// placeholder returns a documentation token in the valid shape, of the
// kinds the matcher must suppress and count.
func placeholder(rng *rand.Rand) string {
	switch rng.IntN(6) {
	case 0:
		return "pk_12345678_ABCDEFGHIJKLMNOPQRSTUVWXYZ123456"
	case 1:
		return "pk_1234567_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
	case 2:
		return "pk_" + randFrom(rng, digits, 8) + "_EXAMPLE" + randFrom(rng, alnum, 25)
	case 3:
		return "pk_" + randFrom(rng, digits, 7) + "_" + strings.Repeat(string(alnum[10+rng.IntN(26)]), 32)
	case 4:
		return "pk_0000000_00000000000000000000000000000000"
	default:
		return "pk_" + randFrom(rng, digits, 9) + "_0123456789ABCDEFGHIJKLMNOPQRSTUV"
	}
}

func validShape(rng *rand.Rand) string {
	return "pk_" + string(alnum[1+rng.IntN(9)]) + randFrom(rng, digits, 6+rng.IntN(3)) + "_" + randFrom(rng, alnum, 32)
}

// longNearMiss returns a 64-character value shaped like an OAuth client
// secret, webhook secret or access token, for files that never mention
// ClickUp: without ClickUp context these are not findings.
func longNearMiss(rng *rand.Rand) string {
	switch rng.IntN(4) {
	case 0:
		return `"integrity":"` + randFrom(rng, alnum, 64) + `"`
	case 1:
		return `etag:"` + randFrom(rng, digits, 8) + "_" + randFrom(rng, hexLower, 64) + `"`
	case 2:
		return `"STRIPE_WEBHOOK_SIGNING":"` + randFrom(rng, alnum, 64) + `"`
	default:
		return `sha256:"` + randFrom(rng, hexLower, 64) + `"`
	}
}

const (
	digits      = "0123456789"
	lower       = "abcdefghijklmnopqrstuvwxyz"
	lowerDigits = lower + digits
	hexLower    = "0123456789abcdef"
	hexUpper    = "0123456789ABCDEF"
	mixedAlnum  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	base64URL   = mixedAlnum + "-_"
)

func randFrom(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// String keeps a token from printing in clear by accident.
func (t token) String() string { return t.redacted() }

// Format keeps %v, %s, %q and %#v redacted too.
func (t token) Format(f fmt.State, verb rune) { fmt.Fprint(f, t.redacted()) }

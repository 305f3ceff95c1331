package report

import (
	"math/rand/v2"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// fakeBody returns n characters of alphabet drawn from a PRNG seeded with
// seed, with no two equal neighbours and no ascending neighbours, so that
// the value never looks like a placeholder (AAAA, ABCD, 1234). Tokens are
// generated at run time so that no credential-shaped literal sits in the
// source for scanners (ours included) to trip on.
func fakeBody(seed uint64, n int, alphabet string) string {
	r := rand.New(rand.NewPCG(seed, 0x636c69636b7570))
	b := make([]byte, 0, n)
	for len(b) < n {
		c := alphabet[r.IntN(len(alphabet))]
		if l := len(b); l > 0 && (b[l-1] == c || b[l-1]+1 == c) {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

const upperDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// fakePersonal returns a fake personal token for userID.
func fakePersonal(seed uint64, userID string) scanner.Secret {
	return scanner.NewSecret("pk_" + userID + "_" + fakeBody(seed, 32, upperDigits))
}

// fake64 returns a fake 64-character client or webhook secret.
func fake64(seed uint64) scanner.Secret {
	return scanner.NewSecret(fakeBody(seed, 64, upperDigits))
}

// fakeAccess returns a fake OAuth access token for userID.
func fakeAccess(seed uint64, userID string) scanner.Secret {
	return scanner.NewSecret(userID + "_" + strings.ToLower(fakeBody(seed, 64, "0123456789abcdef")))
}

package scanner

import (
	"strings"
	"testing"
)

// TestLimitErrorsNameNoFlag checks that the scanner's limit errors name no
// command-line flag: the Action has no such input, and the CLI adds its own.
func TestLimitErrorsNameNoFlag(t *testing.T) {
	t.Parallel()
	for _, err := range []error{ErrArchiveLimit, ErrArchiveBomb} {
		if strings.Contains(err.Error(), "--") {
			t.Errorf("%q names a command-line flag", err)
		}
	}
}

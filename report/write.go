package report

import (
	"fmt"
	"io"
)

// Write renders r in format ("text", "json" or "sarif") to w.
func Write(w io.Writer, format string, r Report) error {
	return fmt.Errorf("format %q is not implemented yet", format)
}

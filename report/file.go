package report

import (
	"fmt"
	"io"
	"os"
)

// WriteFile creates (or truncates) the file at path and writes one
// rendering to it with write, for example
//
//	report.WriteFile(p, func(w io.Writer) error { return report.Write(w, "sarif", rep) })
//
// A failure to close the file is a failure to write it: the report may be
// cut short.
func WriteFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("failed to create %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	return nil
}

package merge

import (
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// WriteSARIF writes r as one SARIF 2.1.0 run with report's rules, results
// and fingerprints; each location's repository is in its result's
// properties. GitHub code scanning takes one repository per upload: for
// that, use org --sarif-dir, which writes one file per repository.
func WriteSARIF(w io.Writer, r Report, toolVersion string) error {
	return report.WriteSARIFFromJSON(w, r, toolVersion)
}

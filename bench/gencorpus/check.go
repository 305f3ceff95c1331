package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

// jsonReport is the part of the scanner's JSON report (version 1) that the
// check reads.
type jsonReport struct {
	Findings []struct {
		ID        string         `json:"id"`
		Kind      string         `json:"kind"`
		Redacted  string         `json:"redacted"`
		Locations []jsonLocation `json:"locations"`
	} `json:"findings"`
	Stats struct {
		Files        int64             `json:"files"`
		Bytes        int64             `json:"bytes"`
		Skipped      int64             `json:"skipped"`
		Placeholders int64             `json:"placeholders"`
		Errors       []json.RawMessage `json:"errors"`
	} `json:"stats"`
}

// jsonLocation is one location of a finding in the JSON report.
type jsonLocation struct {
	Path      string `json:"path"`
	InnerPath string `json:"inner_path"`
	Encoding  string `json:"encoding"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
}

// runCheck compares the findings in reportPath with the manifest. It
// returns 1 if a planted token was missed or a finding was not planted
// (every other pk_-like string in the corpus is a near miss that must not
// be reported), else 0. rgIDsPath, if set, lists the ids of the tokens
// ripgrep printed, to show which planted tokens a plain regex sees.
func runCheck(manifestPath, reportPath, rgIDsPath string, w io.Writer) (int, error) {
	var m Manifest
	if err := readJSON(manifestPath, &m); err != nil {
		return 0, err
	}
	var r jsonReport
	if err := readJSON(reportPath, &r); err != nil {
		return 0, err
	}
	rgSeen := map[string]bool{}
	if rgIDsPath != "" {
		f, err := os.Open(rgIDsPath)
		if err != nil {
			return 0, fmt.Errorf("failed to open %s: %w", rgIDsPath, err)
		}
		sc := bufio.NewScanner(f) // our own file of 64-char lines
		for sc.Scan() {
			if id := strings.TrimSpace(sc.Text()); id != "" {
				rgSeen[id] = true
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return 0, fmt.Errorf("failed to read %s: %w", rgIDsPath, err)
		}
	}

	found := map[string]int{}
	for i, f := range r.Findings {
		found[f.ID] = i
	}
	planted := map[string]bool{}
	type row struct{ planted, found, rg int }
	rows := map[string]*row{}
	var order []string
	var missed, located []string
	nFound, nRG := 0, 0
	for _, p := range m.Planted {
		planted[p.ID] = true
		rw := rows[p.Hidden]
		if rw == nil {
			rw = &row{}
			rows[p.Hidden] = rw
			order = append(order, p.Hidden)
		}
		rw.planted++
		if rgSeen[p.ID] {
			rw.rg++
			nRG++
		}
		where := p.File
		if len(p.Inner) > 0 {
			where += " > " + strings.Join(p.Inner, " > ")
		}
		i, ok := found[p.ID]
		if !ok {
			missed = append(missed, fmt.Sprintf("MISSED %-24s %s  %s id=%s", p.Hidden, p.Redacted, where, p.ID[:16]))
			continue
		}
		rw.found++
		nFound++
		f := r.Findings[i]
		if !slices.ContainsFunc(f.Locations, func(l jsonLocation) bool {
			return l.Path == p.File || strings.HasSuffix(l.Path, "/"+p.File)
		}) {
			got := "no location"
			if len(f.Locations) > 0 {
				got = f.Locations[0].Path
			}
			located = append(located, fmt.Sprintf("WARN %s %s: planted in %s, reported at %s", p.Hidden, p.Redacted, where, got))
		}
	}

	fmt.Fprintf(w, "%-26s %8s %8s %8s\n", "hidden as", "planted", "ours", "ripgrep")
	for _, h := range order {
		rw := rows[h]
		fmt.Fprintf(w, "%-26s %8d %8d %8d\n", h, rw.planted, rw.found, rw.rg)
	}
	fmt.Fprintf(w, "%-26s %8d %8d %8d\n", "total", len(m.Planted), nFound, nRG)
	for _, s := range missed {
		fmt.Fprintln(w, s)
	}
	for _, s := range located {
		fmt.Fprintln(w, s)
	}
	extra := 0
	for _, f := range r.Findings {
		if planted[f.ID] {
			continue
		}
		extra++
		at := ""
		if len(f.Locations) > 0 {
			l := f.Locations[0]
			at = fmt.Sprintf("%s:%d:%d", l.Path, l.Line, l.Column)
			if l.InnerPath != "" {
				at += " > " + l.InnerPath
			}
			if l.Encoding != "" {
				at += " (" + l.Encoding + ")"
			}
		}
		fmt.Fprintf(w, "EXTRA (not planted, a near miss was reported) %s %s at %s\n", f.Kind, f.Redacted, at)
	}
	fmt.Fprintf(w, "RESULT planted=%d found=%d missed=%d extra=%d rg_seen=%d files=%d bytes=%d skipped=%d placeholders=%d errors=%d\n",
		len(m.Planted), nFound, len(missed), extra, nRG, r.Stats.Files, r.Stats.Bytes, r.Stats.Skipped, r.Stats.Placeholders, len(r.Stats.Errors))
	if len(missed) > 0 || extra > 0 {
		return 1, nil
	}
	return 0, nil
}

// hashLines writes the sorted distinct lowercase hex SHA-256 ids of the
// lines of r (without their line ends), one a line.
func hashLines(r io.Reader, w io.Writer) error {
	ids := map[string]bool{}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			sum := sha256.Sum256([]byte(line))
			ids[hex.EncodeToString(sum[:])] = true
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("failed to read lines to hash: %w", err)
		}
	}
	sorted := slices.Sorted(maps.Keys(ids))
	bw := bufio.NewWriter(w)
	for _, id := range sorted {
		fmt.Fprintln(bw, id)
	}
	return bw.Flush()
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("failed to read %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("failed to parse %s: %w", path, err)
	}
	return nil
}

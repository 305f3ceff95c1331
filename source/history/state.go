package history

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// The state file's identity; a file without it is foreign.
const (
	stateFormat  = "clickup-secret-scan/history-state"
	stateVersion = 1
)

// state is the incremental state file. It holds object ids, secret ids
// (SHA-256) and locations, never a secret: the secrets of open findings are
// read again from the objects named here.
type state struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Head is the commit whose tree decided at_head.
	Head string `json:"head"`
	// Tips maps every ref to its object id at the end of the run.
	Tips map[string]string `json:"tips"`
	// Commits lists every commit scanned so far, sorted.
	Commits []string `json:"commits"`
	// MatchedBlobs lists every blob known to hold a credential, sorted.
	MatchedBlobs []string `json:"matched_blobs"`
	// Open lists the locations of the findings still open.
	Open []openLocation `json:"open"`
	// Shallow lists the commits whose parents were not fetched, when the
	// repository was a shallow clone (empty otherwise, and then left out,
	// so that older versions still read the state).
	Shallow []string `json:"shallow,omitempty"`
}

// openLocation is one location of an open finding.
type openLocation struct {
	// SecretID is the finding id: the hex SHA-256 of the secret.
	SecretID string `json:"secret_id"`
	// Object is the blob, commit or tag that holds the secret.
	Object   string           `json:"object"`
	Location scanner.Location `json:"location"`
}

// MayReplaceState reports whether the file at path may be overwritten by a
// fresh state: it does not exist, is empty, or starts like a state file of
// this tool (whatever its version, even when corrupt further on or cut
// short inside its first bytes). Any other file, say a package.json named
// by mistake, must be left alone.
func MayReplaceState(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("failed to read state %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, fmt.Errorf("failed to read state %s: %w", path, err)
	}
	head = bytes.TrimSpace(head[:n])
	marker := []byte(`{"format":"` + stateFormat + `"`)
	return bytes.HasPrefix(head, marker) || bytes.HasPrefix(marker, head), nil
}

func loadState(path string) (*state, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read state %s: %w: %w", path, ErrBadState, err)
	}
	bad := func(why string, args ...any) error {
		return fmt.Errorf("failed to read state %s: %w: %s (delete it to rescan the whole history)", path, ErrBadState, fmt.Sprintf(why, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var st state
	if err := dec.Decode(&st); err != nil {
		return nil, bad("not a history state file: %v", err)
	}
	if dec.More() {
		return nil, bad("trailing data after the state")
	}
	if st.Format != stateFormat {
		return nil, bad("format is %q, want %q", st.Format, stateFormat)
	}
	if st.Version != stateVersion {
		return nil, bad("version %d is not supported (want %d)", st.Version, stateVersion)
	}
	valid := func(h string) bool {
		_, err := hex.DecodeString(h)
		return len(h) == 40 && err == nil
	}
	if st.Head != "" && !valid(st.Head) {
		return nil, bad("head %q is not an object id", st.Head)
	}
	for _, list := range [][]string{st.Commits, st.MatchedBlobs, slices.Collect(maps.Values(st.Tips))} {
		for _, h := range list {
			if !valid(h) {
				return nil, bad("%q is not an object id", h)
			}
		}
	}
	for _, o := range st.Open {
		if !valid(o.Object) || len(o.SecretID) != 64 || o.Location.Source != scanner.SourceHistory {
			return nil, bad("malformed open location")
		}
	}
	if st.Tips == nil {
		st.Tips = map[string]string{}
	}
	return &st, nil
}

// checkState refuses a state written for another repository: none of the
// commits it records exists here.
func (s *scan) checkState(st *state) error {
	if len(st.Commits) == 0 {
		return nil
	}
	candidates := slices.Concat(slices.Collect(maps.Values(st.Tips)), st.Commits)
	for _, h := range candidates {
		if s.objectType(plumbing.NewHash(h)) != plumbing.InvalidObject {
			return nil
		}
	}
	return fmt.Errorf("failed to use state %s: %w: none of the %d commits it records exists in %s, so it belongs to another repository "+
		"(delete it to rescan the whole history)", s.opts.StatePath, ErrBadState, len(st.Commits), s.opts.RepoPath)
}

// saveState writes the state atomically (temporary file, then rename), so
// an interrupted run leaves the previous state intact.
func (s *scan) saveState(old *state, tips map[string]plumbing.Hash, head plumbing.Hash) error {
	st := state{Format: stateFormat, Version: stateVersion, Tips: hexMap(tips)}
	if !head.IsZero() {
		st.Head = head.String()
	}
	commits := map[string]struct{}{}
	if old != nil && !s.opts.AllObjects {
		for _, c := range old.Commits {
			commits[c] = struct{}{}
		}
	}
	for h := range s.commits {
		commits[h.String()] = struct{}{}
	}
	st.Commits = slices.Sorted(maps.Keys(commits))
	for h := range s.shallow {
		st.Shallow = append(st.Shallow, h.String())
	}
	slices.Sort(st.Shallow)
	for h := range s.matched {
		st.MatchedBlobs = append(st.MatchedBlobs, h.String())
	}
	slices.Sort(st.MatchedBlobs)
	seen := map[string]bool{}
	for _, o := range s.open {
		// The UTF-16 column is recounted when the location is matched
		// again, so the state keeps the format older versions read.
		o.Location.ColumnUTF16 = 0
		b, _ := json.Marshal(o)
		if !seen[string(b)] {
			seen[string(b)] = true
			st.Open = append(st.Open, o)
		}
	}
	slices.SortFunc(st.Open, func(a, b openLocation) int {
		if a.SecretID != b.SecretID {
			return cmpString(a.SecretID, b.SecretID)
		}
		return cmpString(a.Location.Commit+a.Location.Path, b.Location.Commit+b.Location.Path)
	})
	if st.Open == nil {
		st.Open = []openLocation{}
	}
	if st.Commits == nil {
		st.Commits = []string{}
	}
	if st.MatchedBlobs == nil {
		st.MatchedBlobs = []string{}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("failed to encode state: %w", err)
	}
	// Ref names, paths and authors come from the repository; one named
	// after a credential must not leave it in clear in the state file:
	// each secret found is replaced by its redacted form (an access token
	// or a client secret has no shape RedactShapes would know), then every
	// personal-token shape is.
	var secrets []scanner.Secret
	for _, f := range s.col.Findings() {
		secrets = append(secrets, f.Secret)
	}
	b = scanner.NewScrubber(secrets...).Bytes(b)
	tmp, err := os.CreateTemp(filepath.Dir(s.opts.StatePath), filepath.Base(s.opts.StatePath)+".*.tmp")
	if err != nil {
		return fmt.Errorf("failed to write state %s: %w", s.opts.StatePath, err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	// CreateTemp makes the file 0600. The state holds no secret, and the
	// Action writes it as root for actions/cache, whose save step runs as
	// the runner user and must be able to read it.
	merr := tmp.Chmod(0o644)
	cerr := tmp.Close()
	if err := errors.Join(werr, merr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to write state %s: %w", s.opts.StatePath, err)
	}
	if err := os.Rename(tmp.Name(), s.opts.StatePath); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to write state %s: %w", s.opts.StatePath, err)
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

package diff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// scanCommitMessage records the credentials in the message of c, which the
// range adds: a message is public as soon as the branch is pushed, and no
// later commit can take it back. Locations carry Source "diff", Object
// "commit-message", Change "added" and the commit; Line is 1-based in the
// message. They bypass emit: AtHead describes files and has no meaning
// for a message.
func scanCommitMessage(sc *scanner.Scanner, c *object.Commit, col *scanner.Collector) {
	ms := sc.ScanBytes([]byte(c.Message))
	if len(ms) == 0 {
		return
	}
	who, date := author(c)
	base := scanner.Location{Source: scanner.SourceDiff, Object: scanner.ObjectCommitMessage, Change: scanner.Added,
		Commit: c.Hash.String(), Author: who, Date: date}
	for _, m := range ms {
		col.Add(m, base)
	}
}

// maxMessageBytes bounds the commit message file read for a commit-msg
// hook; git itself has no limit, but a message this long is not typed.
const maxMessageBytes = 16 << 20

// ScanMessageFile scans the message a commit is being made with: the file
// git passes to a commit-msg hook (.git/COMMIT_EDITMSG). Only the text git
// will keep is scanned: lines starting with the comment character
// (core.commentChar of the repository at repoPath, '#' by default) and
// everything below the scissors line that `git commit -v` adds (the staged
// diff, which the index scan covers) are left out, so that line numbers
// stay those of the file. Locations carry Source "staged", Object
// "commit-message", Change "added", no path and no commit; Line is 1-based
// in the file. A file that cannot be read is the caller's to fix
// (usage.Err).
func ScanMessageFile(repoPath, path string, sc *scanner.Scanner, col *scanner.Collector) error {
	f, err := os.Open(path)
	if err != nil {
		return usage.Error{Err: fmt.Errorf("failed to read the commit message %s: %w", path, err)}
	}
	defer f.Close()
	data, err := readLimited(f, maxMessageBytes)
	if err != nil {
		return usage.Error{Err: fmt.Errorf("failed to read the commit message %s: %w", path, err)}
	}
	msg := committedMessage(data, commentChar(repoPath))
	for _, m := range sc.ScanBytes(msg) {
		col.Add(m, scanner.Location{Source: scanner.SourceStaged, Object: scanner.ObjectCommitMessage, Change: scanner.Added})
	}
	return nil
}

var errMessageTooLong = errors.New("longer than 16 MiB")

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errMessageTooLong
	}
	return data, nil
}

// commentChar returns the repository's core.commentChar, '#' when unset,
// unreadable, or "auto" (git then picks a character the message does not
// start a line with, and '#' is what it picks unless the message starts a
// line with it: the scan then keeps such lines, erring on the side of
// scanning too much).
func commentChar(repoPath string) string {
	repo, closeRepo, err := openRepo(repoPath)
	if err != nil {
		return "#"
	}
	defer closeRepo()
	cfg, err := repo.Config()
	if err != nil || cfg.Core.CommentChar == "" || cfg.Core.CommentChar == "auto" {
		return "#"
	}
	return cfg.Core.CommentChar
}

// committedMessage blanks the lines git strips from a message (comments and
// everything from the scissors line on), keeping the line count of the
// rest so that match lines stay those of the file.
func committedMessage(data []byte, comment string) []byte {
	scissors := comment + " ------------------------ >8 ------------------------"
	out := make([]byte, 0, len(data))
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		text := strings.TrimRight(string(line), "\r\n")
		if text == scissors {
			break
		}
		if strings.HasPrefix(text, comment) {
			if bytes.HasSuffix(line, []byte("\n")) {
				out = append(out, '\n')
			}
			continue
		}
		out = append(out, line...)
	}
	return out
}

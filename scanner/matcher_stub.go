package scanner

import (
	"context"
	"io"
	"regexp"
)

var stubPersonal = regexp.MustCompile(`pk_([0-9]{7,9})_[0-9A-Z]{32}`)

func (s *Scanner) scan(ctx context.Context, name string, r io.Reader) ([]Match, error) {
	data, err := io.ReadAll(r)
	s.stats.AddFile(int64(len(data)))
	return s.scanBytes(data), err
}

func (s *Scanner) scanBytes(data []byte) []Match {
	var out []Match
	for _, loc := range stubPersonal.FindAllSubmatchIndex(data, -1) {
		line, col := 1, 1
		for i := 0; i < loc[0]; i++ {
			col++
			if data[i] == '\n' {
				line++
				col = 1
			}
		}
		out = append(out, Match{Kind: PersonalToken, Secret: NewSecret(string(data[loc[0]:loc[1]])), UserID: string(data[loc[2]:loc[3]]), Offset: int64(loc[0]), Line: line, Column: col})
	}
	return out
}

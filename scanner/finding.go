package scanner

import (
	"cmp"
	"slices"
	"sync"
)

// Match is one occurrence of a credential found in a stream of bytes.
type Match struct {
	Kind   Kind
	Secret Secret
	// UserID is the ClickUp user id carried by personal tokens and OAuth
	// access tokens; it is not secret and tells whose token leaked.
	UserID string
	// Key is the variable, field or header name that held the value, when
	// one was seen (CLICKUP_API_TOKEN_PROD), else empty.
	Key string
	// Offset is the 0-based byte offset of the match in the decoded stream
	// (after decompression and UTF-16 transcoding).
	Offset int64
	// Line and Column are 1-based; Column counts bytes. Both refer to the
	// decoded stream, like Offset.
	Line   int
	Column int
	// ColumnUTF16 is the 1-based column in UTF-16 code units, as GitHub and
	// SARIF consumers count it; it differs from Column on lines with
	// non-ASCII text before the match. It is 0 when the line began in an
	// earlier window and the match lies more than 256 KiB into it (the
	// long lines of minified bundles), where counting would mean reading
	// every byte of the line once more.
	ColumnUTF16 int
	// InnerPath is the member path inside an archive, nested members joined
	// by "!/" (lib/app.jar!/config/.env); empty outside archives.
	InnerPath string
	// Encoding names the encodings the value was found under, outermost
	// first, joined by "+" (utf-16le+base64); empty for plain text.
	Encoding string
	// AllowMarker is true when the line holding the match carries the inline
	// marker "clickup-secret-scan:allow".
	AllowMarker bool
}

// Location is one place where a secret was seen. Fields that do not apply
// to a source are empty. Line and Column are 1-based (Column in bytes) and
// refer to the decoded text.
type Location struct {
	// Repository is "OWNER/NAME" when the scan covered many repositories
	// (org), empty otherwise.
	Repository string     `json:"repository,omitempty"`
	Source     SourceType `json:"source"`
	// Path is slash-separated: the scanned PATH argument joined with the
	// path below it, or the repository path of a blob.
	Path      string `json:"path"`
	InnerPath string `json:"inner_path"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	// ColumnUTF16 mirrors Match.ColumnUTF16; 0 (omitted) when unknown.
	ColumnUTF16 int    `json:"column_utf16,omitempty"`
	Encoding    string `json:"encoding"`
	// Key is the variable or field name that held the value, if seen.
	Key string `json:"key,omitempty"`

	// Commit is the full hex id of the commit that introduced (history,
	// diff) or removed (diff, Change "removed") the secret at Path.
	Commit string `json:"commit,omitempty"`
	// Author is "Name <email>" of Commit.
	Author string `json:"author,omitempty"`
	// Date is the author date of Commit in RFC 3339.
	Date string `json:"date,omitempty"`
	// AtHead tells whether the secret is still in the tree of HEAD (of the
	// default branch for history, of the head revision for diff).
	AtHead *bool `json:"at_head,omitempty"`
	// Change is set for diff locations only.
	Change Change `json:"change,omitempty"`
	// Object says where a history match sat when not in a file at a path;
	// empty otherwise.
	Object Object `json:"object,omitempty"`
	// Unreachable is true when the secret was found only in objects that no
	// ref reaches (history --all-objects).
	Unreachable bool `json:"unreachable,omitempty"`

	// AllowMarker mirrors Match.AllowMarker; it is not part of the output.
	AllowMarker bool `json:"-"`
}

// Locate returns base completed with the position fields of m.
func (m Match) Locate(base Location) Location {
	base.Line = m.Line
	base.Column = m.Column
	base.ColumnUTF16 = m.ColumnUTF16
	base.InnerPath = joinInner(base.InnerPath, m.InnerPath)
	base.Encoding = m.Encoding
	base.Key = m.Key
	base.AllowMarker = m.AllowMarker
	return base
}

func joinInner(outer, inner string) string {
	switch {
	case outer == "":
		return inner
	case inner == "":
		return outer
	}
	return outer + "!/" + inner
}

// Finding is one distinct secret with every place it was seen.
type Finding struct {
	// ID is the lowercase hex SHA-256 of the raw secret.
	ID        string
	Kind      Kind
	Secret    Secret
	UserID    string
	Locations []Location
	// Verification is what ClickUp's API said once checked, empty when
	// not checked.
	Verification Verification
	// Username is the ClickUp username a live personal token belongs to.
	Username string
}

// Rule returns the stable rule id of the finding's kind.
func (f Finding) Rule() string { return f.Kind.Rule() }

// Keys returns the distinct variable names the secret was held under, sorted.
func (f Finding) Keys() []string {
	var keys []string
	for _, l := range f.Locations {
		if l.Key != "" && !slices.Contains(keys, l.Key) {
			keys = append(keys, l.Key)
		}
	}
	slices.Sort(keys)
	return keys
}

// Collector groups matches from any number of goroutines into one finding
// per distinct secret.
type Collector struct {
	mu   sync.Mutex
	byID map[string]*Finding
	seen map[string]bool
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{byID: map[string]*Finding{}, seen: map[string]bool{}}
}

// Add records that m was seen at loc (see Match.Locate). Identical
// locations are recorded once.
func (c *Collector) Add(m Match, loc Location) {
	c.AddLocation(m.Kind, m.Secret, m.UserID, m.Locate(loc))
}

// AddLocation records a secret at a fully built location.
func (c *Collector) AddLocation(kind Kind, secret Secret, userID string, loc Location) {
	id := secret.ID()
	key := id + "\x00" + locationKey(loc)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	f, ok := c.byID[id]
	if !ok {
		f = &Finding{ID: id, Kind: kind, Secret: secret, UserID: userID}
		c.byID[id] = f
	}
	f.Locations = append(f.Locations, loc)
}

func locationKey(l Location) string {
	return l.Repository + "\x00" + string(l.Source) + "\x00" + l.Path + "\x00" + l.InnerPath + "\x00" + l.Commit + "\x00" + string(l.Change) + "\x00" + string(l.Object) +
		"\x00" + itoa(l.Line) + ":" + itoa(l.Column) + "\x00" + l.Encoding
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Findings returns the findings sorted (see SortFindings), each with its
// locations sorted by path, inner path, line and column.
func (c *Collector) Findings() []Finding {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Finding, 0, len(c.byID))
	for _, f := range c.byID {
		g := *f
		g.Locations = slices.Clone(f.Locations)
		SortLocations(g.Locations)
		out = append(out, g)
	}
	SortFindings(out)
	return out
}

// SortLocations orders locations by repository, path, inner path, line,
// column, commit.
func SortLocations(locs []Location) {
	slices.SortStableFunc(locs, func(a, b Location) int {
		return cmp.Or(
			cmp.Compare(a.Repository, b.Repository),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.InnerPath, b.InnerPath),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Commit, b.Commit),
			cmp.Compare(a.Change, b.Change),
		)
	})
}

// SortFindings orders findings for display: verified-live first, then by
// kind (personal tokens first), then by first location, then by id.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		la, lb := 1, 1
		if a.Verification == VerifiedLive {
			la = 0
		}
		if b.Verification == VerifiedLive {
			lb = 0
		}
		var pa, pb string
		if len(a.Locations) > 0 {
			pa = a.Locations[0].Path
		}
		if len(b.Locations) > 0 {
			pb = b.Locations[0].Path
		}
		return cmp.Or(cmp.Compare(la, lb), cmp.Compare(a.Kind.rank(), b.Kind.rank()), cmp.Compare(pa, pb), cmp.Compare(a.ID, b.ID))
	})
}

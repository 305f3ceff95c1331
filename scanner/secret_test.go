package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestSecretNeverPrintsRaw(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, redacted string
	}{
		{"pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY", "pk_7043602_…G8VY"},
		{"Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VYA1B9K7Q2M4T8R3N6W5H0J2L9D4C7F1G3", "Q8…F1G3"},
		{"4411223_9f3a1c7e9f3a1c7e9f3a1c7e9f3a1c7e9f3a1c7e9f3a1c7e9f3a1c7e9f3a1c7e", "4411223_…1c7e"},
		{"short", "…(5 chars)"},
	}
	for _, tt := range tests {
		t.Run(tt.redacted, func(t *testing.T) {
			t.Parallel()
			s := NewSecret(tt.raw)
			if s.Redacted() != tt.redacted {
				t.Errorf("Redacted() = %q, want %q", s.Redacted(), tt.redacted)
			}
			js, err := json.Marshal(map[string]any{"s": s, "p": &s, "l": []Secret{s}})
			if err != nil {
				t.Fatal(err)
			}
			outputs := []string{
				s.String(), fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
				fmt.Sprintf("%v", struct{ S Secret }{s}), fmt.Sprintf("%+v", &struct{ S Secret }{s}), string(js),
			}
			for _, out := range outputs {
				if strings.Contains(out, tt.raw) && tt.raw != tt.redacted {
					t.Errorf("an output holds the raw secret; redacted form %s", tt.redacted)
				}
			}
			sum := sha256.Sum256([]byte(tt.raw))
			if s.ID() != hex.EncodeToString(sum[:]) {
				t.Errorf("ID() is not the hex SHA-256 of the raw bytes")
			}
		})
	}
}

func TestCollectorGroupsBySecret(t *testing.T) {
	t.Parallel()
	c := NewCollector()
	tok := NewSecret("pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY")
	m := Match{Kind: PersonalToken, Secret: tok, UserID: "7043602", Line: 3, Column: 5, Key: "CLICKUP_TOKEN_DEV"}
	c.Add(m, Location{Source: "dir", Path: "b.js"})
	c.Add(m, Location{Source: "dir", Path: "b.js"}) // same place twice: kept once
	m.Key = "CLICKUP_TOKEN_PROD"
	c.Add(m, Location{Source: "dir", Path: "a.js"})
	other := Match{Kind: OAuthClientSecret, Secret: NewSecret(strings.Repeat("Q8ZK3M1TR7WX9B2N", 4)), Line: 1, Column: 1}
	c.Add(other, Location{Source: "dir", Path: "c.json"})
	fs := c.Findings()
	if len(fs) != 2 {
		t.Fatalf("want 2 findings, got %d", len(fs))
	}
	if fs[0].Kind != PersonalToken || len(fs[0].Locations) != 2 || fs[0].Locations[0].Path != "a.js" {
		t.Errorf("want the personal token first with 2 sorted locations, got %v", fs[0])
	}
	if got := fs[0].Keys(); len(got) != 2 || got[0] != "CLICKUP_TOKEN_DEV" {
		t.Errorf("Keys() = %v", got)
	}
}

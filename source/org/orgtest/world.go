package orgtest

import (
	"net/http"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// GitHubToken is shaped like a GitHub App installation token; it is fake.
const GitHubToken = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"

// World is the organisation acme, made for a test: its repositories, the tokens
// planted in them, and the fake GitHub serving them.
type World struct {
	Srv *Server
	// Tokens by role: "shared" (in api and web), "web", "flaky", "archived",
	// "fork", "gone".
	Tokens map[string]string
}

// NewWorld makes acme: api and web share a token (web holds a second one),
// empty is empty, old is archived, forked is a fork, gone answers 404 to
// git, flaky answers 500 twice then works, clean holds no token; the
// listing comes three repositories a page. Tokens["late"] is planted
// nowhere: tests commit it later.
func NewWorld(t testing.TB, moduleRoot, githubToken string) *World {
	t.Helper()
	gen := fixtures.NewGen(12)
	w := &World{Srv: New(t, moduleRoot, "acme", githubToken), Tokens: map[string]string{}}
	for _, k := range []string{"shared", "web", "flaky", "archived", "fork", "gone", "late"} {
		w.Tokens[k] = gen.PersonalToken()
	}
	s := w.Srv
	s.PageSize = 3 // eight repositories: three pages

	api := s.AddRepo(Repo{Name: "api"})
	s.Commit(api, "config", map[string]string{"config/.env": "CLICKUP_API_TOKEN=" + w.Tokens["shared"] + "\n"})
	s.Commit(api, "docs", map[string]string{"README.md": "# api\n"})

	web := s.AddRepo(Repo{Name: "web"})
	s.Commit(web, "ci", map[string]string{
		"deploy/ci.env": "CLICKUP_TOKEN=" + w.Tokens["shared"] + "\n",
		"src/app.js":    "const clickup = '" + w.Tokens["web"] + "';\n",
	})

	s.AddRepo(Repo{Name: "empty"})

	old := s.AddRepo(Repo{Name: "old", Archived: true})
	s.Commit(old, "old", map[string]string{".env": "CLICKUP_API_TOKEN=" + w.Tokens["archived"] + "\n"})

	fork := s.AddRepo(Repo{Name: "forked", Fork: true})
	s.Commit(fork, "fork", map[string]string{".env": "CLICKUP_API_TOKEN=" + w.Tokens["fork"] + "\n"})

	gone := s.AddRepo(Repo{Name: "gone", CloneFault: func(int) int { return http.StatusNotFound }})
	s.Commit(gone, "gone", map[string]string{".env": "CLICKUP_API_TOKEN=" + w.Tokens["gone"] + "\n"})

	flaky := s.AddRepo(Repo{Name: "flaky", CloneFault: func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return 0
	}})
	s.Commit(flaky, "flaky", map[string]string{"settings.json": `{"clickup_token": "` + w.Tokens["flaky"] + `"}` + "\n"})

	clean := s.AddRepo(Repo{Name: "clean"})
	s.Commit(clean, "clean", map[string]string{"main.go": "package main\n"})
	return w
}

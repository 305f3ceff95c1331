package docscheck

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// repoRoot is the repository this package lives in, two levels up.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	return root
}

// buildBinary builds the command at root into a temporary directory and
// returns a Runner for it. Its help output is the truth the docs are held
// to, so nothing here depends on how the main package is written.
func buildBinary(t *testing.T, root string) Runner {
	t.Helper()
	bin := filepath.Join(t.TempDir(), Binary)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build failed: %v\n%s", err, out)
	}
	return func(args ...string) (string, int, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir() // never scan or write inside the repository
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Stdin = bytes.NewReader(nil)
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return out.String(), exit.ExitCode(), nil
		}
		return out.String(), 0, err
	}
}

// TestDocsMatchTheCode holds README.md and docs/ to the code: every command
// and flag they run exists in the built binary, every Action input and
// output they use is in action.yml, every pre-commit hook id they use is in
// .pre-commit-hooks.yaml, and every relative link resolves.
func TestDocsMatchTheCode(t *testing.T) {
	root := repoRoot(t)
	fsys := os.DirFS(root)
	docs, err := LoadDocs(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 2 {
		t.Fatalf("found %d Markdown pages, want README.md and docs/*.md", len(docs))
	}
	report := func(t *testing.T, problems []Problem) {
		t.Helper()
		for _, p := range problems {
			t.Error(p)
		}
	}

	t.Run("links", func(t *testing.T) {
		t.Parallel()
		report(t, CheckLinks(fsys, docs))
	})
	t.Run("action", func(t *testing.T) {
		t.Parallel()
		data, err := os.ReadFile(filepath.Join(root, "action.yml"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseAction(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Inputs) == 0 || len(a.Outputs) == 0 {
			t.Fatalf("action.yml declares %d inputs and %d outputs; the parser must have missed them", len(a.Inputs), len(a.Outputs))
		}
		report(t, CheckAction(docs, a))
	})
	t.Run("pre-commit hooks", func(t *testing.T) {
		t.Parallel()
		data, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		ids, err := ParseHookIDs(data)
		if err != nil {
			t.Fatal(err)
		}
		report(t, CheckPreCommitHooks(docs, ids))
	})
	t.Run("commands", func(t *testing.T) {
		t.Parallel()
		commands, globals := MentionedCommands(docs)
		if len(commands) == 0 {
			t.Fatal("the docs run no command of the binary; the invocation finder must be broken")
		}
		cli, err := Discover(buildBinary(t, root), commands, globals)
		if err != nil {
			t.Fatal(err)
		}
		flags := 0
		for _, f := range cli.Commands {
			flags += len(f) - 2 // -h and --help are always there
		}
		if flags == 0 {
			t.Fatalf("no command's help lists a flag; the help parser must be broken: %v", cli.Commands)
		}
		report(t, CheckInvocations(docs, cli))
		report(t, CheckFlagTables(docs, cli))
	})
}

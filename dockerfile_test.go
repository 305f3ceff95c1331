package main

// Static checks of the from-source Dockerfile, of the release image's
// Dockerfile.release and of action.yml's pointer to the released image.
// They need no container engine: e2e/container.sh builds and runs the image
// for real, while these run in every `go test ./...` and say precisely which
// rule a change broke. The parser is a small stdlib one that knows what the
// checks need (continuations, comments, the escape directive, flags, exec
// form), not the whole BuildKit grammar.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// dockerInstruction is one Dockerfile instruction after joining continued
// lines.
type dockerInstruction struct {
	// Cmd is the instruction keyword, upper case (FROM, RUN, COPY...).
	Cmd string
	// Flags are the leading --name=value words (--from=build, --mount=...).
	Flags []string
	// Args is the rest of the instruction, continuations joined by a space.
	Args string
	// Exec holds the JSON array of an exec-form instruction; nil for the
	// shell form.
	Exec []string
	// Line is the 1-based line the instruction starts on.
	Line int
}

// dockerStage is one build stage: its FROM and what follows it.
type dockerStage struct {
	From         string // the image or earlier stage it starts from
	Name         string // the AS name; empty when unnamed
	Line         int    // 1-based line of the FROM
	Instructions []dockerInstruction
}

// parseDockerfile splits src into stages. Instructions before the first
// FROM (only ARG is legal there) are returned in the pre slice.
func parseDockerfile(src string) (pre []dockerInstruction, stages []dockerStage, err error) {
	escape := '\\'
	directives := true
	var (
		buf       strings.Builder
		startLine int
		insts     []dockerInstruction
	)
	flush := func() error {
		text := strings.TrimSpace(buf.String())
		buf.Reset()
		if text == "" {
			return nil
		}
		inst, err := parseDockerInstruction(text, startLine)
		if err != nil {
			return err
		}
		insts = append(insts, inst)
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	// A Dockerfile is our own small file; the limit only guards the fuzzer.
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRightFunc(sc.Text(), unicode.IsSpace)
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		if directives {
			if m := dockerDirective.FindStringSubmatch(trimmed); m != nil {
				if strings.EqualFold(m[1], "escape") {
					switch m[2] {
					case "`":
						escape = '`'
					case "\\":
						escape = '\\'
					default:
						return nil, nil, fmt.Errorf("line %d: invalid escape directive %q", n, m[2])
					}
				}
				continue
			}
			directives = false
		}
		// Comment lines are dropped even inside a continued instruction,
		// as Docker does.
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && buf.Len() > 0) {
			continue
		}
		if buf.Len() == 0 {
			startLine = n
		}
		if strings.HasSuffix(line, string(escape)) {
			buf.WriteString(strings.TrimSuffix(line, string(escape)))
			buf.WriteByte(' ')
			continue
		}
		buf.WriteString(line)
		if err := flush(); err != nil {
			return nil, nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("failed to read the Dockerfile: %w", err)
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	for _, inst := range insts {
		if inst.Cmd != "FROM" {
			if len(stages) == 0 {
				pre = append(pre, inst)
				continue
			}
			stages[len(stages)-1].Instructions = append(stages[len(stages)-1].Instructions, inst)
			continue
		}
		words := strings.Fields(inst.Args)
		st := dockerStage{Line: inst.Line}
		switch {
		case len(words) == 1:
			st.From = words[0]
		case len(words) == 3 && strings.EqualFold(words[1], "AS"):
			st.From, st.Name = words[0], words[2]
		default:
			return nil, nil, fmt.Errorf("line %d: malformed FROM %q", inst.Line, inst.Args)
		}
		stages = append(stages, st)
	}
	return pre, stages, nil
}

var dockerDirective = regexp.MustCompile(`^#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$`)

// parseDockerInstruction parses one joined instruction that starts on line.
func parseDockerInstruction(text string, line int) (dockerInstruction, error) {
	cmd, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexByte(cmd, '\t'); i >= 0 {
		cmd, rest = cmd[:i], cmd[i+1:]+" "+rest
	}
	inst := dockerInstruction{Cmd: strings.ToUpper(cmd), Line: line}
	for _, r := range inst.Cmd {
		if r < 'A' || r > 'Z' {
			return dockerInstruction{}, fmt.Errorf("line %d: %q is not an instruction", line, cmd)
		}
	}
	rest = strings.TrimSpace(rest)
	for strings.HasPrefix(rest, "--") {
		flag, after, _ := strings.Cut(rest, " ")
		inst.Flags = append(inst.Flags, flag)
		rest = strings.TrimSpace(after)
	}
	inst.Args = rest
	if strings.HasPrefix(rest, "[") {
		var exec []string
		if json.Unmarshal([]byte(rest), &exec) == nil && exec != nil {
			inst.Exec = exec
		}
	}
	return inst, nil
}

// flagValue returns the value of --name=value in flags, or "" and false.
func (inst dockerInstruction) flagValue(name string) (string, bool) {
	for _, f := range inst.Flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// heredoc matches the start of a BuildKit heredoc, which buildah 1.28 (the
// builder .ci/run uses) does not understand.
var heredoc = regexp.MustCompile(`<<-?\s*["']?[A-Za-z_][A-Za-z0-9_]*["']?`)

var (
	cgoOffEnv  = regexp.MustCompile(`(^|\s)CGO_ENABLED=0(\s|$)`)
	cgoOffRun  = regexp.MustCompile(`(^|\s)CGO_ENABLED=0\s`)
	stageIndex = regexp.MustCompile(`^[0-9]+$`)
)

// caBundle is where Go's crypto/x509 looks first on Linux.
const caBundle = "/etc/ssl/certs/ca-certificates.crt"

// versionStamp is the linker flag that sets the version `version` prints
// (internal/version).
const versionStamp = "-X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped="

// dockerfileProblems returns what in the parsed Dockerfile breaks the
// Action's packaging rules (see "The container image" in README.md), one sentence each.
func dockerfileProblems(pre []dockerInstruction, stages []dockerStage) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, inst := range pre {
		if inst.Cmd != "ARG" {
			add("line %d: %s before the first FROM", inst.Line, inst.Cmd)
		}
	}
	if len(stages) < 2 {
		add("not multi-stage: %d stage(s), want a build stage and a final stage", len(stages))
		if len(stages) == 0 {
			return problems
		}
	}
	names := map[string]bool{}
	built := false
	for i, st := range stages {
		cgoOff := false
		for _, inst := range st.Instructions {
			switch inst.Cmd {
			case "USER":
				add("line %d: USER %s: Docker actions run as root, and another user cannot write /github/file_commands", inst.Line, inst.Args)
			case "ENV":
				if cgoOffEnv.MatchString(inst.Args) {
					cgoOff = true
				}
			case "RUN", "COPY", "ADD":
				if heredoc.MatchString(inst.Args) {
					add("line %d: heredoc in %s: buildah 1.28 cannot build it", inst.Line, inst.Cmd)
				}
			}
			for _, f := range inst.Flags {
				m, ok := strings.CutPrefix(f, "--mount=")
				if !ok {
					continue
				}
				add("line %d: RUN --mount needs BuildKit: the legacy docker builder of runners without buildx rejects it", inst.Line)
				for _, kv := range strings.Split(m, ",") {
					k, v, _ := strings.Cut(kv, "=")
					if (k == "target" || k == "dst" || k == "destination") && !strings.HasPrefix(v, "/") {
						add("line %d: --mount target %q is not absolute: buildah 1.28 rejects it", inst.Line, v)
					}
				}
			}
			if from, ok := inst.flagValue("from"); ok && inst.Cmd == "COPY" && !names[from] && !stageIndex.MatchString(from) {
				add("line %d: COPY --from=%s names no earlier stage", inst.Line, from)
			}
			if inst.Cmd == "RUN" && strings.Contains(inst.Args, "go build") {
				built = true
				if !cgoOff && !cgoOffRun.MatchString(inst.Args) {
					add("line %d: go build without CGO_ENABLED=0: the scratch image has no libc", inst.Line)
				}
				for _, want := range []string{"-trimpath", "-s", "-w", versionStamp} {
					if !strings.Contains(inst.Args, want) {
						add("line %d: go build lacks %s", inst.Line, want)
					}
				}
			}
		}
		if i < len(stages)-1 && st.Name != "" {
			names[st.Name] = true
		}
	}
	if !built {
		add("no RUN stage runs go build")
	}
	final := stages[len(stages)-1]
	if final.From != "scratch" {
		add("line %d: final stage is FROM %s, want FROM scratch", final.Line, final.From)
	}
	var entrypoints []dockerInstruction
	copied := map[string]bool{}
	for _, inst := range final.Instructions {
		switch inst.Cmd {
		case "ENTRYPOINT":
			entrypoints = append(entrypoints, inst)
		case "COPY":
			if inst.Exec == nil {
				if f := strings.Fields(inst.Args); len(f) >= 2 {
					copied[f[len(f)-1]] = true
					if f[len(f)-1] == caBundle || f[len(f)-1] == filepath.Dir(caBundle)+"/" {
						copied[caBundle] = true
					}
				}
			}
		}
	}
	if !copied[caBundle] {
		add("final stage does not copy the CA bundle to %s (the ClickUp live check and the GitHub API need TLS)", caBundle)
	}
	if !copied["/tmp"] && !copied["/tmp/"] {
		add("final stage has no /tmp (scratch has none; big nested zips are spilled to a temporary file)")
	}
	switch {
	case len(entrypoints) == 0:
		add("final stage has no ENTRYPOINT")
	default:
		ep := entrypoints[len(entrypoints)-1]
		want := []string{"/clickup-secret-scan", "action"}
		if ep.Exec == nil {
			add("line %d: ENTRYPOINT is in shell form; want exec form %q (scratch has no shell)", ep.Line, want)
		} else if strings.Join(ep.Exec, "\x00") != strings.Join(want, "\x00") {
			add("line %d: ENTRYPOINT is %q, want %q", ep.Line, ep.Exec, want)
		}
		if ep.Exec != nil && len(ep.Exec) > 0 && !copied[ep.Exec[0]] {
			add("line %d: ENTRYPOINT runs %s, which the final stage does not copy in", ep.Line, ep.Exec[0])
		}
	}
	return problems
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatalf("failed to read the Dockerfile: %v", err)
	}
	pre, stages, err := parseDockerfile(string(src))
	if err != nil {
		t.Fatalf("failed to parse the Dockerfile: %v", err)
	}
	for _, p := range dockerfileProblems(pre, stages) {
		t.Errorf("Dockerfile: %s", p)
	}
}

// goodDockerfile is the shape the rules want; the cases below break it one
// rule at a time.
const goodDockerfile = `# syntax=docker/dockerfile:1
ARG GO=1.26
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped=dev" \
    # a comment inside a continuation is dropped
    -o /out/clickup-secret-scan .
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/clickup-secret-scan /clickup-secret-scan
COPY --from=build /out/tmp /tmp
ENTRYPOINT ["/clickup-secret-scan", "action"]
`

func TestDockerfileProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		old  string // replaced in goodDockerfile by new
		new  string
		want string // a substring of the one expected problem; "" for none
		more bool   // other problems follow from the same change
	}{
		{name: "good"},
		{name: "no /tmp", old: "COPY --from=build /out/tmp /tmp\n", new: "", want: "no /tmp"},
		{name: "USER line", old: "ENTRYPOINT", new: "USER 65532\nENTRYPOINT", want: "USER 65532"},
		{name: "lower-case user", old: "ENTRYPOINT", new: "user nobody\nENTRYPOINT", want: "USER nobody"},
		{name: "single stage", old: "FROM scratch\n", new: "", want: "not multi-stage", more: true},
		{name: "final stage not scratch", old: "FROM scratch", new: "FROM debian:bookworm-slim", want: "want FROM scratch"},
		{name: "cgo on", old: "CGO_ENABLED=0 ", new: "", want: "CGO_ENABLED=0"},
		{name: "cgo off via ENV", old: "CGO_ENABLED=0 go", new: "go", want: ""},
		{name: "no trimpath", old: "-trimpath ", new: "", want: "lacks -trimpath"},
		{name: "no version stamp", old: " -X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped=dev", new: "", want: "lacks " + versionStamp},
		{name: "shell-form entrypoint", old: `["/clickup-secret-scan", "action"]`, new: "/clickup-secret-scan action", want: "shell form"},
		{name: "wrong subcommand", old: `"action"]`, new: `"dir"]`, want: "want [\"/clickup-secret-scan\" \"action\"]"},
		{name: "entrypoint binary not copied", old: "/out/clickup-secret-scan /clickup-secret-scan\n", new: "/out/clickup-secret-scan /bin/scan\n", want: "does not copy in"},
		{name: "no CA bundle", old: "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n", new: "", want: "CA bundle"},
		{name: "CA bundle into the directory", old: "ca-certificates.crt /etc/ssl/certs/ca-certificates.crt", new: "ca-certificates.crt /etc/ssl/certs/", want: ""},
		{name: "no entrypoint", old: `ENTRYPOINT ["/clickup-secret-scan", "action"]`, new: "", want: "no ENTRYPOINT"},
		{name: "heredoc", old: "WORKDIR /src", new: "RUN <<EOF\necho hi\nEOF", want: "heredoc"},
		{name: "cache mount", old: "RUN CGO", new: "RUN --mount=type=cache,target=/root/.cache/go-build CGO", want: "needs BuildKit"},
		{name: "relative mount target", old: "RUN CGO", new: "RUN --mount=type=cache,target=.cache CGO", want: "not absolute", more: true},
		{name: "copy from unknown stage", old: "--from=build /out", new: "--from=builder /out", want: "names no earlier stage"},
		{name: "instruction before FROM", old: "ARG GO=1.26", new: "ENV GO=1.26", want: "before the first FROM"},
		{name: "no go build", old: "go build", new: "go install", want: "no RUN stage runs go build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := goodDockerfile
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("test case: %q is not in goodDockerfile", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			if tt.name == "cgo off via ENV" {
				src = strings.Replace(src, "WORKDIR /src", "ENV CGO_ENABLED=0\nWORKDIR /src", 1)
			}
			pre, stages, err := parseDockerfile(src)
			if err != nil {
				t.Fatalf("parseDockerfile: %v", err)
			}
			got := dockerfileProblems(pre, stages)
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("problems = %q, want none", got)
				}
				return
			}
			found := false
			for _, p := range got {
				found = found || strings.Contains(p, tt.want)
			}
			if !found || (!tt.more && len(got) != 1) {
				t.Fatalf("problems = %q, want one containing %q", got, tt.want)
			}
		})
	}
}

func TestParseDockerfile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		want    []dockerInstruction // every instruction, in order, FROMs included
		wantErr bool
	}{
		{
			name: "continuation, comments and blank lines",
			src:  "FROM a AS b\nRUN echo 1 \\\n  # dropped\n\n  && echo 2\n",
			want: []dockerInstruction{
				{Cmd: "FROM", Args: "a AS b", Line: 1},
				{Cmd: "RUN", Args: "echo 1    && echo 2", Line: 2},
			},
		},
		{
			name: "flags and exec form",
			src:  "from scratch\ncopy --from=0 --chmod=755 /a /b\nentrypoint [\"/b\", \"x y\"]\ncmd [not json\n",
			want: []dockerInstruction{
				{Cmd: "FROM", Args: "scratch", Line: 1},
				{Cmd: "COPY", Flags: []string{"--from=0", "--chmod=755"}, Args: "/a /b", Line: 2},
				{Cmd: "ENTRYPOINT", Args: `["/b", "x y"]`, Exec: []string{"/b", "x y"}, Line: 3},
				{Cmd: "CMD", Args: "[not json", Line: 4},
			},
		},
		{
			name: "escape directive",
			src:  "# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo\n",
			want: []dockerInstruction{
				{Cmd: "FROM", Args: "a", Line: 2},
				{Cmd: "RUN", Args: `dir c:\    && echo`, Line: 3},
			},
		},
		{
			name: "a directive after an instruction is a comment",
			src:  "FROM a\n# escape=`\nRUN x \\\n y\n",
			want: []dockerInstruction{
				{Cmd: "FROM", Args: "a", Line: 1},
				{Cmd: "RUN", Args: "x   y", Line: 3},
			},
		},
		{name: "bad escape", src: "# escape=x\nFROM a\n", wantErr: true},
		{name: "malformed FROM", src: "FROM a b\n", wantErr: true},
		{name: "not an instruction", src: "FROM a\n=oops\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pre, stages, err := parseDockerfile(tt.src)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseDockerfile succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("parseDockerfile: %v", err)
			}
			got := append([]dockerInstruction(nil), pre...)
			for _, st := range stages {
				from := dockerInstruction{Cmd: "FROM", Args: st.From, Line: st.Line}
				if st.Name != "" {
					from.Args += " AS " + st.Name
				}
				got = append(got, from)
				got = append(got, st.Instructions...)
			}
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tt.want) {
				t.Fatalf("instructions:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// FuzzParseDockerfile checks that no input panics the parser and that what
// it returns keeps its invariants.
func FuzzParseDockerfile(f *testing.F) {
	f.Add(goodDockerfile)
	if src, err := os.ReadFile("Dockerfile"); err == nil {
		f.Add(string(src))
	}
	f.Fuzz(func(t *testing.T, src string) {
		pre, stages, err := parseDockerfile(src)
		if err != nil {
			return
		}
		all := append([]dockerInstruction(nil), pre...)
		for _, st := range stages {
			if st.From == "" || st.Line < 1 {
				t.Fatalf("stage %+v: empty FROM or line < 1", st)
			}
			all = append(all, st.Instructions...)
		}
		for _, inst := range all {
			if inst.Cmd == "" || inst.Cmd != strings.ToUpper(inst.Cmd) || inst.Line < 1 {
				t.Fatalf("instruction %+v: bad keyword or line", inst)
			}
		}
		_ = dockerfileProblems(pre, stages)
	})
}

// actionRuns returns the scalar keys of action.yml's top-level runs: block.
// It reads only the block-style YAML that action.yml uses (no flow maps,
// anchors or multi-line scalars in runs:), which is all the check needs.
func actionRuns(src string) map[string]string {
	runs := map[string]string{}
	in := false
	indent := -1
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, " \t\r")
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		depth := len(line) - len(trimmed)
		if depth == 0 {
			in = strings.HasPrefix(line, "runs:")
			indent = -1
			continue
		}
		if !in {
			continue
		}
		if indent < 0 {
			indent = depth
		}
		if depth != indent {
			continue
		}
		k, v, ok := strings.Cut(trimmed, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			v = v[1 : len(v)-1]
		}
		runs[strings.TrimSpace(k)] = v
	}
	return runs
}

// releaseImageRef is what action.yml's runs.image must be: the prebuilt
// image of one release, by its exact semver tag (never latest or the
// moving major tag, which would run another release's code).
var releaseImageRef = regexp.MustCompile(`^docker://ghcr\.io/clickup-secret-scan/clickup-secret-scan:v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

func TestActionYMLRunsReleaseImage(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatalf("failed to read action.yml: %v", err)
	}
	runs := actionRuns(string(src))
	if runs["using"] != "docker" {
		t.Errorf("action.yml runs.using = %q, want docker", runs["using"])
	}
	if !releaseImageRef.MatchString(runs["image"]) {
		t.Errorf("action.yml runs.image = %q, want the prebuilt image of one release, %s", runs["image"], releaseImageRef)
	}
}

func TestReleaseImageRef(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string]bool{
		"docker://ghcr.io/clickup-secret-scan/clickup-secret-scan:v1.0.0":      true,
		"docker://ghcr.io/clickup-secret-scan/clickup-secret-scan:v1.2.3-rc.1": true,
		"docker://ghcr.io/clickup-secret-scan/clickup-secret-scan:v1":          false,
		"docker://ghcr.io/clickup-secret-scan/clickup-secret-scan:latest":      false,
		"docker://ghcr.io/clickup-secret-scan/clickup-secret-scan:1.0.0":       false,
		"docker://ghcr.io/someone/clickup-secret-scan:v1.0.0":                  false,
		"Dockerfile": false,
	} {
		if got := releaseImageRef.MatchString(ref); got != want {
			t.Errorf("releaseImageRef matches %q = %v, want %v", ref, got, want)
		}
	}
}

// releaseDockerfileProblems returns what breaks the rules of the released
// image (Dockerfile.release): one scratch stage that only copies the
// prebuilt binary of the target architecture, the CA bundle and /tmp, with
// the OCI labels GHCR and scanners read, and the Action's entrypoint.
func releaseDockerfileProblems(pre []dockerInstruction, stages []dockerStage) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(stages) != 1 {
		add("%d stages, want one FROM scratch stage (no Go toolchain in the image build)", len(stages))
		if len(stages) == 0 {
			return problems
		}
	}
	for _, inst := range pre {
		add("line %d: %s before FROM", inst.Line, inst.Cmd)
	}
	st := stages[len(stages)-1]
	if st.From != "scratch" {
		add("line %d: FROM %s, want FROM scratch", st.Line, st.From)
	}
	args := map[string]bool{}
	labels := ""
	copied := map[string]string{}
	var entrypoint *dockerInstruction
	for _, inst := range st.Instructions {
		switch inst.Cmd {
		case "ARG":
			name, _, _ := strings.Cut(inst.Args, "=")
			args[name] = true
		case "LABEL":
			labels += " " + inst.Args
		case "COPY":
			if f := strings.Fields(inst.Args); len(f) == 2 {
				copied[f[1]] = f[0]
			}
			if _, ok := inst.flagValue("from"); ok {
				add("line %d: COPY --from: the image packs release.sh's binaries, not another stage's", inst.Line)
			}
		case "RUN", "ADD":
			add("line %d: %s: scratch has no shell, and the image holds only what release.sh built", inst.Line, inst.Cmd)
		case "USER":
			add("line %d: USER %s: Docker actions run as root, and another user cannot write /github/file_commands", inst.Line, inst.Args)
		case "ENTRYPOINT":
			entrypoint = &inst
		}
	}
	if !args["TARGETARCH"] {
		add("no ARG TARGETARCH: a multi-arch build would copy one architecture's binary into every image")
	}
	if src := copied["/clickup-secret-scan"]; src != "linux_${TARGETARCH}/clickup-secret-scan" {
		add("/clickup-secret-scan is copied from %q, want linux_${TARGETARCH}/clickup-secret-scan (release.sh's OUTDIR)", src)
	}
	if copied[caBundle] == "" {
		add("the CA bundle is not copied to %s (the ClickUp live check and the GitHub API need TLS)", caBundle)
	}
	if copied["/tmp"] == "" {
		add("no /tmp (scratch has none; big nested zips are spilled to a temporary file)")
	}
	for _, l := range []string{
		`org.opencontainers.image.source="https://github.com/clickup-secret-scan/clickup-secret-scan"`,
		`org.opencontainers.image.version="${VERSION}"`,
		`org.opencontainers.image.revision="${REVISION}"`,
		`org.opencontainers.image.licenses="Apache-2.0"`,
	} {
		if !strings.Contains(labels, l) {
			add("no LABEL %s", l)
		}
	}
	for _, a := range []string{"VERSION", "REVISION"} {
		if !args[a] {
			add("no ARG %s: its label would be empty", a)
		}
	}
	switch {
	case entrypoint == nil:
		add("no ENTRYPOINT")
	case strings.Join(entrypoint.Exec, " ") != "/clickup-secret-scan action":
		add("line %d: ENTRYPOINT %q, want exec form [\"/clickup-secret-scan\", \"action\"]", entrypoint.Line, entrypoint.Args)
	}
	return problems
}

func TestDockerfileRelease(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("Dockerfile.release")
	if err != nil {
		t.Fatalf("failed to read Dockerfile.release: %v", err)
	}
	pre, stages, err := parseDockerfile(string(src))
	if err != nil {
		t.Fatalf("failed to parse Dockerfile.release: %v", err)
	}
	for _, p := range releaseDockerfileProblems(pre, stages) {
		t.Errorf("Dockerfile.release: %s", p)
	}
}

const goodReleaseDockerfile = `FROM scratch
ARG TARGETARCH
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.source="https://github.com/clickup-secret-scan/clickup-secret-scan" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY linux_${TARGETARCH}/clickup-secret-scan /clickup-secret-scan
COPY tmp /tmp
ENTRYPOINT ["/clickup-secret-scan", "action"]
`

func TestReleaseDockerfileProblems(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, old, new, want string }{
		{name: "good"},
		{name: "one arch for all", old: "linux_${TARGETARCH}/", new: "linux_amd64/", want: "want linux_${TARGETARCH}"},
		{name: "no TARGETARCH arg", old: "ARG TARGETARCH\n", new: "", want: "no ARG TARGETARCH"},
		{name: "toolchain stage", old: "FROM scratch\n", new: "FROM golang:1.26 AS build\nRUN go build\nFROM scratch\n", want: "want one FROM scratch stage"},
		{name: "base image", old: "FROM scratch", new: "FROM alpine:3", want: "want FROM scratch"},
		{name: "RUN", old: "COPY tmp /tmp", new: "COPY tmp /tmp\nRUN chmod 1777 /tmp", want: "scratch has no shell"},
		{name: "USER", old: "ENTRYPOINT", new: "USER 1000\nENTRYPOINT", want: "USER 1000"},
		{name: "no CA bundle", old: "COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n", new: "", want: "CA bundle"},
		{name: "no tmp", old: "COPY tmp /tmp\n", new: "", want: "no /tmp"},
		{name: "no licence label", old: `      org.opencontainers.image.licenses="Apache-2.0"`, new: `      org.example=1`, want: "licenses"},
		{name: "no revision arg", old: "ARG REVISION\n", new: "", want: "no ARG REVISION"},
		{name: "shell entrypoint", old: `["/clickup-secret-scan", "action"]`, new: "/clickup-secret-scan action", want: "want exec form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := goodReleaseDockerfile
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("test case: %q is not in goodReleaseDockerfile", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			pre, stages, err := parseDockerfile(src)
			if err != nil {
				t.Fatalf("parseDockerfile: %v", err)
			}
			got := releaseDockerfileProblems(pre, stages)
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("problems = %q, want none", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Fatalf("problems = %q, want one containing %q", got, tt.want)
			}
		})
	}
}

func TestActionRuns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, using, image string
	}{
		{"plain", "name: x\nruns:\n  using: docker\n  image: Dockerfile\n", "docker", "Dockerfile"},
		{"quoted, commented, deeper keys ignored", "runs:\n    using: 'docker' # why\n    image: \"Dockerfile\"\n    env:\n      image: other\noutputs:\n  image: nope\n", "docker", "Dockerfile"},
		{"runs after other blocks", "inputs:\n  image:\n    default: x\nruns:\n  using: node20\n  main: index.js\n", "node20", ""},
		{"no runs", "name: x\nimage: Dockerfile\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := actionRuns(tt.src)
			if got["using"] != tt.using || got["image"] != tt.image {
				t.Fatalf("actionRuns = %q, want using %q image %q", got, tt.using, tt.image)
			}
		})
	}
}

// gen.go is over 500 lines on purpose: it is the benchmark corpus's one
// recipe (the generator's state, every file shape it writes and where each
// fake token is planted), and the manifest checks depend on it as a whole.
// It is a benchmark tool, not part of the scanner.

package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// Plant is one planted token as the manifest lists it. The raw token is in
// tok only, which is never serialised.
type Plant struct {
	// ID is the lowercase hex SHA-256 of the raw token, the finding id the
	// scanner must report.
	ID       string `json:"id"`
	UserID   string `json:"user_id"`
	Redacted string `json:"redacted"`
	// File is the slash-separated path below the corpus root.
	File string `json:"file"`
	// Inner is the chain of archive members holding the token, outermost
	// first; empty when the token is in File itself.
	Inner []string `json:"inner,omitempty"`
	// Hidden says how the token is hidden, e.g. "plain:bundle",
	// "base64:k8s-secret", "tar.gz>zip".
	Hidden string `json:"hidden"`
	// Note adds detail, such as the window boundary a token straddles.
	Note string `json:"note,omitempty"`
	// Offset is the 0-based byte offset of the token in the innermost
	// member, before any decoding (-1 when encoded, as it has no such offset).
	Offset int64 `json:"offset"`

	tok token
}

// Manifest describes a generated corpus. It is written outside the corpus.
type Manifest struct {
	Seed       uint64  `json:"seed"`
	Mix        string  `json:"mix"`
	TargetSize int64   `json:"target_size"`
	Bytes      int64   `json:"bytes"`
	Files      int     `json:"files"`
	Planted    []Plant `json:"planted"`
}

type generator struct {
	rng      *rand.Rand
	root     string
	target   int64
	written  int64
	files    int
	names    map[string]bool
	seen     map[string]bool
	plants   []Plant
	longLine int
	// mix is "build" (the default) or "text": what bulk fills with.
	mix string
}

func newGenerator(root string, target int64, seed uint64) *generator {
	return &generator{
		rng:    rand.New(rand.NewPCG(seed, 0x5eed_c11c_0b5e)),
		root:   root,
		target: target,
		names:  map[string]bool{},
		seen:   map[string]bool{},
		// The multi-MB single-line bundles scale with the corpus, so that a
		// small corpus for tests stays small.
		longLine: int(min(max(target/60, 256<<10), 6<<20)),
	}
}

// write stores data at rel (slash-separated, below the root).
func (g *generator) write(rel string, data []byte) error {
	full := filepath.Join(g.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("failed to create directory for %s: %w", rel, err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		return fmt.Errorf("failed to write %s: %w", rel, err)
	}
	g.written += int64(len(data))
	g.files++
	return nil
}

// name returns a fresh path dir/base-<hash>.ext, the way bundlers name
// content-hashed assets.
func (g *generator) name(dir, base, ext string) string {
	for {
		p := path.Join(dir, base+"-"+randFrom(g.rng, hexLower, 8)+ext)
		if !g.names[p] {
			g.names[p] = true
			return p
		}
	}
}

// fixed reserves a path that has no hash in its name.
func (g *generator) fixed(p string) string {
	for g.names[p] {
		ext := path.Ext(p)
		p = strings.TrimSuffix(p, ext) + "-" + randFrom(g.rng, digits, 2) + ext
	}
	g.names[p] = true
	return p
}

func (g *generator) word() string { return words[g.rng.IntN(len(words))] }

var jsDirs = []string{
	"apps/web/dist/assets",
	"apps/site/.next/static/chunks",
	"apps/site/.next/static/chunks/pages",
	"apps/site/.next/static/chunks/app/(dashboard)/settings",
	"apps/site/.next/server/chunks",
	"apps/admin/build/static/js",
	"packages/ui/dist/esm/components/*",
	"packages/ui/dist/cjs/components/*",
	"packages/sdk/lib/*",
	"services/api/dist",
	"services/worker/build/*",
	"apps/mobile/android/app/build/generated/assets/react/release",
}

func (g *generator) dir(dirs []string) string {
	d := dirs[g.rng.IntN(len(dirs))]
	if strings.HasSuffix(d, "/*") {
		d = strings.TrimSuffix(d, "*") + g.word()
	}
	return d
}

// plant records tok as hidden in file (and inner members) at offset.
func (g *generator) plant(tok token, file string, inner []string, hidden string, offset int64, note string) {
	g.plants = append(g.plants, Plant{
		ID: tok.id(), UserID: tok.userID, Redacted: tok.redacted(),
		File: file, Inner: inner, Hidden: hidden, Offset: offset, Note: note, tok: tok,
	})
}

func (g *generator) token() token { return newToken(g.rng, g.seen) }

// jsSnippet returns a statement holding raw the way apps leak it, and the
// offset of raw in it.
func jsSnippet(rng *rand.Rand, raw string) ([]byte, int) {
	forms := []string{
		`;const CLICKUP_API_TOKEN="%s";`,
		`;fetch("https://api.clickup.com/api/v2/team",{headers:{Authorization:"%s","Content-Type":"application/json"}});`,
		`;var cu={clickup:{apiKey:"%s",teamId:"9012345"}};`,
		`;const tk=process.env.CLICKUP_TOKEN||"%s";`,
		`;var env={BASE_URL:"/",MODE:"production",DEV:!1,PROD:!0,SSR:!1,VITE_CLICKUP_TOKEN:"%s"};`,
	}
	f := forms[rng.IntN(len(forms))]
	return []byte(fmt.Sprintf(f, raw)), strings.Index(f, "%s")
}

func dotenv(rng *rand.Rand, raw string) []byte {
	return []byte("NODE_ENV=production\nAPI_URL=https://api.acme.dev\nSENTRY_DSN=https://" + randFrom(rng, hexLower, 32) +
		"@o1.ingest.sentry.io/42\nCLICKUP_API_TOKEN=" + raw + "\nFEATURE_FLAGS=search,export\n")
}

func jsonEscape(raw string) string { return strings.ReplaceAll(raw, "_", `\u005f`) }

func urlEscape(raw string) string { return strings.ReplaceAll(raw, "_", "%5F") }

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	var out []byte
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = binary.BigEndian.AppendUint16(out, u)
		} else {
			out = binary.LittleEndian.AppendUint16(out, u)
		}
	}
	return out
}

// plainJS returns a bundle of size bytes with raw inserted at a statement
// boundary, and the token's offset.
func (g *generator) plainJS(raw string, size, lineLen int) ([]byte, int64) {
	js := genJS(g.rng, size, lineLen, true)
	snip, idx := jsSnippet(g.rng, raw)
	at := stmtBoundary(js, g.rng.IntN(len(js)))
	return insertAt(js, at, snip), int64(at + idx)
}

// plantAll writes the files that hold the planted tokens.
func (g *generator) plantAll() error {
	steps := []func() error{
		g.plantBundles, g.plantBoundaries, g.plantSourceMaps, g.plantHTML, g.plantDotenv,
		g.plantBinary, g.plantJSONEscaped, g.plantBase64, g.plantURL, g.plantUTF16, g.plantArchives,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) plantBundles() error {
	for i := range 6 {
		tok := g.token()
		lineLen := 0
		if i%3 == 2 {
			lineLen = 120
		}
		data, off := g.plainJS(tok.raw, 40<<10+g.rng.IntN(800<<10), lineLen)
		p := g.name(g.dir(jsDirs), g.word(), ".js")
		g.plant(tok, p, nil, "plain:bundle", off, "")
		if err := g.write(p, data); err != nil {
			return err
		}
	}
	for range 3 {
		tok := g.token()
		data, off := g.plainJS(tok.raw, g.longLine/2+g.rng.IntN(g.longLine/2), 0)
		p := g.name("apps/web/dist/assets", "vendor", ".js")
		g.plant(tok, p, nil, "plain:bundle-longline", off, "in a single-line bundle")
		if err := g.write(p, data); err != nil {
			return err
		}
	}
	return nil
}

// plantBoundaries places tokens across power-of-two offsets, where a
// scanner reading fixed windows cuts the stream, and at the very start and
// end of files.
func (g *generator) plantBoundaries() error {
	for _, b := range []int{64 << 10, 1 << 20, 4 << 20} {
		if b+4096 > g.longLine {
			continue
		}
		tok := g.token()
		js := genJS(g.rng, g.longLine, 0, true)
		snip, idx := jsSnippet(g.rng, tok.raw)
		// Cut the token somewhere inside: 1 to len-1 bytes before b.
		at := b - idx - 1 - g.rng.IntN(len(tok.raw)-1)
		data := insertAt(js, at, snip)
		p := g.name("apps/web/dist/assets", "index", ".js")
		g.plant(tok, p, nil, "plain:window-boundary", int64(at+idx), fmt.Sprintf("straddles byte offset %d", b))
		if err := g.write(p, data); err != nil {
			return err
		}
	}
	tok := g.token()
	p := g.fixed("apps/web/dist/.clickup-token")
	g.plant(tok, p, nil, "plain:whole-file", 0, "the file is the token, no newline")
	if err := g.write(p, []byte(tok.raw)); err != nil {
		return err
	}
	tok = g.token()
	js := genJS(g.rng, g.longLine/2, 0, true)
	js = append(js, ";window.CLICKUP_TOKEN="...)
	off := len(js)
	js = append(js, tok.raw...)
	p = g.name("apps/web/dist/assets", "env", ".js")
	g.plant(tok, p, nil, "plain:file-end", int64(off), "the last bytes of a single-line bundle")
	return g.write(p, js)
}

func (g *generator) plantSourceMaps() error {
	for range 3 {
		tok := g.token()
		line := []byte("export const CLICKUP_API_TOKEN = \"" + tok.raw + "\";\n")
		base := g.word()
		p := g.name(g.dir(jsDirs[:6]), base, ".js.map")
		data := genSourceMap(g.rng, 100<<10+g.rng.IntN(1<<20), path.Base(strings.TrimSuffix(p, ".map")), line)
		g.plant(tok, p, nil, "plain:sourcemap", -1, "in sourcesContent, as a JSON string")
		if err := g.write(p, data); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) plantHTML() error {
	for _, dir := range []string{"apps/web/dist", "apps/site/.next/server/app"} {
		tok := g.token()
		inline := "window.__CLICKUP__={token:\"" + tok.raw + "\",team:\"9012345\"};"
		p := g.fixed(dir + "/index.html")
		g.plant(tok, p, nil, "plain:html", -1, "inline script")
		if err := g.write(p, genHTML(g.rng, 4<<10+g.rng.IntN(60<<10), []byte(inline))); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) plantDotenv() error {
	for _, p := range []string{"apps/web/dist/.env", "apps/site/.next/standalone/.env.production"} {
		tok := g.token()
		p = g.fixed(p)
		g.plant(tok, p, nil, "plain:dotenv", -1, "")
		if err := g.write(p, dotenv(g.rng, tok.raw)); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) plantBinary() error {
	for _, kind := range []string{"wasm", "node"} {
		tok := g.token()
		blob := genBinary(g.rng, kind, 200<<10+g.rng.IntN(2<<20))
		at := 1024 + g.rng.IntN(len(blob)-2048)
		blob = insertAt(blob, at, []byte("\x00"+tok.raw+"\x00"))
		var p string
		if kind == "wasm" {
			p = g.name("apps/web/dist/assets", "sqlite", ".wasm")
		} else {
			p = g.fixed("services/api/dist/native/sync.node")
		}
		g.plant(tok, p, nil, "plain:binary", int64(at+1), "ASCII between NUL bytes")
		if err := g.write(p, blob); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) plantJSONEscaped() error {
	tok := g.token()
	body := genJSON(g.rng, 8<<10+g.rng.IntN(40<<10))
	body = insertAt(body, 2, []byte(`  "clickup": {"token": "`+jsonEscape(tok.raw)+`"},`+"\n"))
	p := g.fixed("apps/site/.next/server/pages/_app.json")
	g.plant(tok, p, nil, "json-escape", -1, `underscores as \u005f`)
	if err := g.write(p, body); err != nil {
		return err
	}

	tok = g.token()
	js := genJS(g.rng, 100<<10+g.rng.IntN(400<<10), 0, true)
	snip := `;var cfg=JSON.parse('{"clickupToken":"` + jsonEscape(tok.raw) + `"}');`
	js = insertAt(js, stmtBoundary(js, g.rng.IntN(len(js))), []byte(snip))
	p = g.name("apps/site/.next/static/chunks/pages", "settings", ".js")
	g.plant(tok, p, nil, "json-escape", -1, "in a JS string literal")
	if err := g.write(p, js); err != nil {
		return err
	}

	tok = g.token()
	p = g.fixed("apps/web/dist/locales/en.json")
	data := []byte("{\n  \"title\": \"Dashboard\",\n  \"clickup_api_token\": \"" + jsonEscape(tok.raw) + "\",\n  \"save\": \"Save\"\n}\n")
	g.plant(tok, p, nil, "json-escape", -1, "")
	if err := g.write(p, data); err != nil {
		return err
	}

	tok = g.token()
	p = g.fixed("apps/site/.next/server/pages/integrations.html")
	inline := []byte(`</script><script id="__NEXT_DATA__" type="application/json">{"props":{"clickup":{"apiToken":"` + jsonEscape(tok.raw) + `"}}}`)
	g.plant(tok, p, nil, "json-escape", -1, "in __NEXT_DATA__")
	return g.write(p, genHTML(g.rng, 20<<10, inline))
}

func (g *generator) plantBase64() error {
	for _, p := range []string{"apps/web/dist/config/runtime-env.json", "apps/site/.next/server/runtime-config.json", "services/api/dist/env.json"} {
		tok := g.token()
		blob := base64.StdEncoding.EncodeToString(dotenv(g.rng, tok.raw))
		p = g.fixed(p)
		data := []byte(`{"name":"` + g.word() + `","version":"1.4.2","envBlob":"` + blob + `","region":"eu-west-1"}` + "\n")
		g.plant(tok, p, nil, "base64:env-json", -1, "a base64 .env blob in a JSON field")
		if err := g.write(p, data); err != nil {
			return err
		}
	}
	for _, p := range []string{"deploy/k8s/clickup-secret.yaml", "deploy/k8s/overlays/prod/secret.yaml", "deploy/helm/rendered/secrets.yaml"} {
		tok := g.token()
		p = g.fixed(p)
		g.plant(tok, p, nil, "base64:k8s-secret", -1, "a Kubernetes Secret data value")
		if err := g.write(p, k8sSecret(g.rng, tok.raw)); err != nil {
			return err
		}
	}
	tok := g.token()
	p := g.fixed("deploy/config/env.b64url.json")
	blob := base64.RawURLEncoding.EncodeToString(dotenv(g.rng, tok.raw))
	g.plant(tok, p, nil, "base64url:env-json", -1, "base64url without padding")
	return g.write(p, []byte(`{"payload":"`+blob+`"}`+"\n"))
}

func k8sSecret(rng *rand.Rand, raw string) []byte {
	enc := base64.StdEncoding.EncodeToString
	return []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: clickup-sync\n  namespace: prod\ntype: Opaque\ndata:\n" +
		"  DATABASE_URL: " + enc([]byte("postgres://app:"+randFrom(rng, mixedAlnum, 20)+"@db:5432/app")) + "\n" +
		"  CLICKUP_API_TOKEN: " + enc([]byte(raw)) + "\n" +
		"  SENTRY_DSN: " + enc([]byte("https://"+randFrom(rng, hexLower, 32)+"@o1.ingest.sentry.io/42")) + "\n")
}

func (g *generator) plantURL() error {
	tok := g.token()
	p := g.fixed("apps/web/dist/connect/index.html")
	inline := []byte(`</script><a href="https://app.acme.dev/connect?token=` + urlEscape(tok.raw) + `&amp;team=9012345">Connect ClickUp</a><script>`)
	g.plant(tok, p, nil, "url-encoded", -1, "pk%5F in a link")
	if err := g.write(p, genHTML(g.rng, 10<<10, inline)); err != nil {
		return err
	}
	tok = g.token()
	js := genJS(g.rng, 50<<10+g.rng.IntN(200<<10), 0, true)
	snip := `;fetch("/proxy?u=https%3A%2F%2Fapi.clickup.com%2Fapi%2Fv2%2Fuser&auth=` + urlEscape(tok.raw) + `");`
	js = insertAt(js, stmtBoundary(js, g.rng.IntN(len(js))), []byte(snip))
	p = g.name("apps/admin/build/static/js", "proxy", ".js")
	g.plant(tok, p, nil, "url-encoded", -1, "in a query string")
	return g.write(p, js)
}

func (g *generator) plantUTF16() error {
	tok := g.token()
	ini := "; generated by the installer\r\n[app]\r\nchannel=stable\r\nupdate_url=https://updates.acme.dev/win\r\n\r\n[clickup]\r\ntoken=" + tok.raw + "\r\nteam=9012345\r\n"
	p := g.fixed("apps/desktop/dist/win-unpacked/resources/config.ini")
	g.plant(tok, p, nil, "utf16le-bom", -1, "")
	if err := g.write(p, utf16Bytes(ini, false, true)); err != nil {
		return err
	}
	tok = g.token()
	txt := "{\n  \"product\": \"Acme Desktop\",\n  \"clickupToken\": \"" + tok.raw + "\",\n  \"telemetry\": false\n}\n"
	p = g.fixed("apps/desktop/dist/mac/Acme.app/Contents/Resources/settings.json")
	g.plant(tok, p, nil, "utf16be-nobom", -1, "")
	return g.write(p, utf16Bytes(txt, true, false))
}

func (g *generator) plantArchives() error {
	// .gz: precompressed assets next to the bundles.
	for i := range 3 {
		tok := g.token()
		lineLen := 0
		if i == 2 {
			lineLen = 200
		}
		js, off := g.plainJS(tok.raw, 200<<10+g.rng.IntN(g.longLine), lineLen)
		p := g.name("apps/web/dist/assets", "chunk", ".js.gz")
		inner := strings.TrimSuffix(path.Base(p), ".gz")
		gz, err := gzipBytes(inner, js)
		if err != nil {
			return err
		}
		g.plant(tok, p, []string{inner}, "gz", off, "")
		if err := g.write(p, gz); err != nil {
			return err
		}
	}
	tok := g.token()
	body := genJSON(g.rng, 30<<10)
	body = insertAt(body, 2, []byte(`  "clickup": {"token": "`+jsonEscape(tok.raw)+`"},`+"\n"))
	p := g.fixed("apps/site/.next/server/pages/settings.json.gz")
	gz, err := gzipBytes("settings.json", body)
	if err != nil {
		return err
	}
	g.plant(tok, p, []string{"settings.json"}, "gz+json-escape", -1, "")
	if err := g.write(p, gz); err != nil {
		return err
	}

	// .zip / .jar: deployment bundles.
	tok = g.token()
	members := g.filler(8)
	members = append(members, member{"config/.env", dotenv(g.rng, tok.raw)})
	p = g.fixed("services/api/dist/function.zip")
	g.plant(tok, p, []string{"config/.env"}, "zip", -1, "")
	if err := g.writeZip(p, members); err != nil {
		return err
	}

	tok = g.token()
	js, off := g.plainJS(tok.raw, 300<<10, 0)
	members = append(g.filler(5), member{"index.js", js})
	p = g.fixed("services/worker/build/worker.zip")
	g.plant(tok, p, []string{"index.js"}, "zip", off, "")
	if err := g.writeZip(p, members); err != nil {
		return err
	}

	tok = g.token()
	props := "spring.application.name=sync\nclickup.api.base=https://api.clickup.com/api/v2\nclickup.api.token=" + tok.raw + "\n"
	members = []member{
		{"META-INF/MANIFEST.MF", []byte("Manifest-Version: 1.0\r\nCreated-By: 17.0.2 (Eclipse Adoptium)\r\n\r\n")},
		{"com/acme/sync/Client.class", append([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x3d"), randBytes(g.rng, 6000)...)},
		{"application.properties", []byte(props)},
	}
	p = g.fixed("apps/android/build/libs/clickup-sdk-1.2.0.jar")
	g.plant(tok, p, []string{"application.properties"}, "zip", int64(strings.Index(props, tok.raw)), "a .jar")
	if err := g.writeZip(p, members); err != nil {
		return err
	}

	tok = g.token()
	members = append(g.filler(4), member{"k8s/secret.yaml", k8sSecret(g.rng, tok.raw)})
	p = g.fixed("deploy/bundle/manifests.zip")
	g.plant(tok, p, []string{"k8s/secret.yaml"}, "zip+base64:k8s-secret", -1, "")
	if err := g.writeZip(p, members); err != nil {
		return err
	}

	tok = g.token()
	js, off = g.plainJS(tok.raw, 150<<10, 0)
	inner, err := gzipBytes("app.js", js)
	if err != nil {
		return err
	}
	members = append(g.filler(3), member{"assets/app.js.gz", inner})
	p = g.fixed("apps/web/dist/offline.zip")
	g.plant(tok, p, []string{"assets/app.js.gz", "app.js"}, "zip>gz", off, "")
	if err := g.writeZip(p, members); err != nil {
		return err
	}

	// .tar.gz / .tgz: release tarballs.
	tok = g.token()
	js, off = g.plainJS(tok.raw, 400<<10, 0)
	name := "dist/assets/index-" + randFrom(g.rng, hexLower, 8) + ".js"
	p = g.fixed("release/web-1.4.2.tar.gz")
	g.plant(tok, p, []string{name}, "tar.gz", off, "")
	if err := g.writeTarGz(p, append(g.filler(12), member{name, js})); err != nil {
		return err
	}

	tok = g.token()
	p = g.fixed("release/site-2.0.0.tgz")
	g.plant(tok, p, []string{"dist/.env.production"}, "tar.gz", -1, "a .tgz")
	if err := g.writeTarGz(p, append(g.filler(10), member{"dist/.env.production", dotenv(g.rng, tok.raw)})); err != nil {
		return err
	}

	tok = g.token()
	settings := []byte("{\"clickup\":{\"workspace\":\"9012345\",\"token\":\"" + tok.raw + "\"},\"log\":\"info\"}\n")
	p = g.fixed("release/api-0.9.1.tar.gz")
	g.plant(tok, p, []string{"config/settings.json"}, "tar.gz", int64(strings.Index(string(settings), tok.raw)), "")
	if err := g.writeTarGz(p, append(g.filler(6), member{"config/settings.json", settings})); err != nil {
		return err
	}

	tok = g.token()
	lambda, err := zipBytes(append(g.filler(3), member{"config/.env", dotenv(g.rng, tok.raw)}))
	if err != nil {
		return err
	}
	p = g.fixed("release/lambda-bundle.tar.gz")
	g.plant(tok, p, []string{"bundle/lambda.zip", "config/.env"}, "tar.gz>zip", -1, "nested two archives deep")
	return g.writeTarGz(p, append(g.filler(4), member{"bundle/lambda.zip", lambda}))
}

func (g *generator) writeZip(p string, members []member) error {
	data, err := zipBytes(members)
	if err != nil {
		return fmt.Errorf("failed to build %s: %w", p, err)
	}
	return g.write(p, data)
}

func (g *generator) writeTarGz(p string, members []member) error {
	data, err := tarGzBytes(path.Base(strings.TrimSuffix(p, ".gz")), members)
	if err != nil {
		return fmt.Errorf("failed to build %s: %w", p, err)
	}
	return g.write(p, data)
}

// filler returns n archive members without tokens: code, manifests,
// images, licences.
func (g *generator) filler(n int) []member {
	var out []member
	for range n {
		switch g.rng.IntN(6) {
		case 0, 1:
			out = append(out, member{"lib/" + g.word() + "/" + g.word() + ".js", genJS(g.rng, 5<<10+g.rng.IntN(200<<10), 100, false)})
		case 2:
			out = append(out, member{"node_modules/" + g.word() + "/package.json", genJSON(g.rng, 500+g.rng.IntN(3000))})
		case 3:
			out = append(out, member{"assets/" + g.word() + "-" + randFrom(g.rng, hexLower, 6) + ".png", genBinary(g.rng, "png", 2<<10+g.rng.IntN(200<<10))})
		case 4:
			out = append(out, member{"static/" + g.word() + ".css", genCSS(g.rng, 2<<10+g.rng.IntN(60<<10), false)})
		default:
			out = append(out, member{"licenses/" + g.word() + ".txt", genText(g.rng, 1<<10+g.rng.IntN(8<<10))})
		}
	}
	return out
}

// expSize draws a size with a long tail: base plus an exponential of mean
// mean, capped at limit.
func (g *generator) expSize(base, mean, limit int) int {
	return min(base+int(g.rng.ExpFloat64()*float64(mean)), limit)
}

// bulk fills the corpus up to the target size with token-free build output.
func (g *generator) bulk() error {
	type kind struct {
		share float64
		make  func() error
		done  int64
	}
	kinds := []*kind{
		{share: 0.30, make: g.bulkJS},
		{share: 0.10, make: g.bulkLongLine},
		{share: 0.08, make: g.bulkJSLines},
		{share: 0.20, make: g.bulkSourceMap},
		{share: 0.05, make: g.bulkCSS},
		{share: 0.02, make: g.bulkHTML},
		{share: 0.10, make: g.bulkImage},
		{share: 0.05, make: g.bulkBinary},
		{share: 0.05, make: g.bulkGz},
		{share: 0.03, make: g.bulkZip},
		{share: 0.02, make: g.bulkTarGz},
	}
	if g.mix == "text" {
		// A text-heavy tree: what a scanner's matcher, not its
		// decompressors, has to keep up with: no images or binaries beyond
		// the planted ones, and about 1% gzip.
		kinds = []*kind{
			{share: 0.30, make: g.bulkDenseJS},
			{share: 0.15, make: g.bulkLongLine},
			{share: 0.10, make: g.bulkJSLines},
			{share: 0.30, make: g.bulkSourceMap},
			{share: 0.08, make: g.bulkCSS},
			{share: 0.06, make: g.bulkHTML},
			{share: 0.01, make: g.bulkGz},
		}
	}
	budget := g.target - g.written
	for g.written < g.target {
		progress := false
		for _, k := range kinds {
			if float64(k.done) >= k.share*float64(budget) || g.written >= g.target {
				continue
			}
			before := g.written
			if err := k.make(); err != nil {
				return err
			}
			k.done += g.written - before
			progress = true
			// Small files (type declarations, licences) make the file count
			// realistic without weighing much.
			if g.rng.IntN(2) == 0 {
				if err := g.bulkSmall(); err != nil {
					return err
				}
			}
		}
		if !progress {
			break
		}
	}
	return nil
}

func (g *generator) clickupFile() bool { return g.rng.IntN(8) == 0 }

func (g *generator) bulkJS() error {
	lineLen := 0
	if g.rng.IntN(4) == 0 {
		lineLen = 500 + g.rng.IntN(4000)
	}
	p := g.name(g.dir(jsDirs), g.word(), ".js")
	return g.write(p, genJS(g.rng, g.expSize(20<<10, 200<<10, 1500<<10), lineLen, g.clickupFile()))
}

// bulkDenseJS writes a minified bundle with a near miss every 300-900
// bytes, several times denser than bulkJS: pk_ prefixes of other
// services, ClickUp-named config without a secret, hex and base64 values.
func (g *generator) bulkDenseJS() error {
	size := g.expSize(20<<10, 200<<10, 1500<<10)
	clickup := g.clickupFile()
	data := make([]byte, 0, size+4096)
	for len(data) < size {
		data = append(data, genJS(g.rng, 300+g.rng.IntN(600), 0, clickup)...)
		data = append(data, `;var _n="`...)
		data = append(data, nearMiss(g.rng, clickup)...)
		data = append(data, `";`...)
	}
	p := g.name(g.dir(jsDirs), g.word(), ".js")
	return g.write(p, data)
}

func (g *generator) bulkLongLine() error {
	p := g.name("apps/web/dist/assets", "vendor", ".js")
	return g.write(p, genJS(g.rng, g.longLine/2+g.rng.IntN(g.longLine/2), 0, g.clickupFile()))
}

func (g *generator) bulkJSLines() error {
	p := g.name(g.dir([]string{"services/api/dist", "services/worker/build/*", "packages/sdk/lib/*", "packages/ui/dist/cjs/components/*"}), g.word(), ".js")
	return g.write(p, genJS(g.rng, g.expSize(5<<10, 60<<10, 800<<10), 90, g.clickupFile()))
}

func (g *generator) bulkSourceMap() error {
	p := g.name(g.dir(jsDirs[:6]), g.word(), ".js.map")
	return g.write(p, genSourceMap(g.rng, g.expSize(30<<10, 400<<10, 4<<20), path.Base(strings.TrimSuffix(p, ".map")), nil))
}

func (g *generator) bulkCSS() error {
	p := g.name(g.dir([]string{"apps/web/dist/assets", "apps/site/.next/static/css", "apps/admin/build/static/css"}), g.word(), ".css")
	return g.write(p, genCSS(g.rng, g.expSize(5<<10, 80<<10, 1<<20), g.rng.IntN(3) == 0))
}

func (g *generator) bulkHTML() error {
	if g.rng.IntN(2) == 0 {
		p := g.name(g.dir([]string{"apps/site/.next/server/app", "apps/site/.next/server/pages/*"}), g.word(), ".html")
		return g.write(p, genHTML(g.rng, g.expSize(2<<10, 20<<10, 400<<10), nil))
	}
	p := g.name(g.dir([]string{"apps/site/.next", "apps/site/.next/server", "apps/web/dist/.vite"}), g.word()+"-manifest", ".json")
	return g.write(p, genJSON(g.rng, g.expSize(1<<10, 20<<10, 400<<10)))
}

func (g *generator) bulkImage() error {
	ext := []string{"png", "jpg"}[g.rng.IntN(2)]
	p := g.name(g.dir([]string{"apps/web/dist/assets", "apps/admin/build/static/media", "apps/site/.next/static/media", "apps/site/.next/cache/images/*"}), g.word(), "."+ext)
	return g.write(p, genBinary(g.rng, ext, g.expSize(5<<10, 300<<10, 3<<20)))
}

func (g *generator) bulkBinary() error {
	switch g.rng.IntN(3) {
	case 0:
		p := g.name(g.dir([]string{"apps/web/dist/assets", "apps/site/.next/static/media"}), "inter", ".woff2")
		return g.write(p, genBinary(g.rng, "woff2", g.expSize(20<<10, 60<<10, 400<<10)))
	case 1:
		p := g.name("apps/web/dist/assets", g.word(), ".wasm")
		return g.write(p, genBinary(g.rng, "wasm", g.expSize(50<<10, 800<<10, 4<<20)))
	default:
		p := g.name("services/api/dist/native", g.word(), ".node")
		return g.write(p, genBinary(g.rng, "node", g.expSize(50<<10, 800<<10, 4<<20)))
	}
}

func (g *generator) bulkGz() error {
	var data []byte
	var ext string
	switch g.rng.IntN(3) {
	case 0:
		data, ext = genCSS(g.rng, g.expSize(10<<10, 100<<10, 1<<20), false), ".css"
	case 1:
		data, ext = genJSON(g.rng, g.expSize(5<<10, 50<<10, 1<<20)), ".json"
	default:
		data, ext = genJS(g.rng, g.expSize(50<<10, 600<<10, 4<<20), 0, g.clickupFile()), ".js"
	}
	p := g.name(g.dir([]string{"apps/web/dist/assets", "apps/site/.next/static/chunks", "apps/admin/build/static/js"}), g.word(), ext+".gz")
	gz, err := gzipBytes(strings.TrimSuffix(path.Base(p), ".gz"), data)
	if err != nil {
		return err
	}
	if plain := strings.TrimSuffix(p, ".gz"); g.rng.IntN(2) == 0 && !g.names[plain] {
		// Compression plugins emit x.js.gz next to an identical x.js: a
		// scanner may skip such a copy (gzip trailer CRC-32 and size match
		// the sibling) instead of inflating it.
		g.names[plain] = true
		if err := g.write(plain, data); err != nil {
			return err
		}
	}
	return g.write(p, gz)
}

func (g *generator) bulkZip() error {
	ext := []string{".zip", ".jar"}[g.rng.IntN(2)]
	p := g.name(g.dir([]string{"services/api/dist", "apps/android/build/libs", "deploy/bundle"}), g.word(), ext)
	return g.writeZip(p, g.filler(5+g.rng.IntN(30)))
}

func (g *generator) bulkTarGz() error {
	ext := []string{".tar.gz", ".tgz"}[g.rng.IntN(2)]
	p := g.name("release", g.word(), ext)
	return g.writeTarGz(p, g.filler(10+g.rng.IntN(60)))
}

func (g *generator) bulkSmall() error {
	switch g.rng.IntN(3) {
	case 0:
		p := g.name(g.dir([]string{"packages/ui/dist/esm/components/*", "packages/sdk/lib/*"}), g.word(), ".d.ts")
		return g.write(p, genTS(g.rng, 300+g.rng.IntN(6<<10)))
	case 1:
		p := g.name(g.dir(jsDirs), g.word(), ".js.LICENSE.txt")
		return g.write(p, genText(g.rng, 200+g.rng.IntN(3<<10)))
	default:
		p := g.name(g.dir([]string{"apps/web/dist/assets", "apps/site/.next/static/media"}), g.word(), ".svg")
		svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M` + randFrom(g.rng, digits+" .", 200+g.rng.IntN(2000)) + `"/></svg>`
		return g.write(p, []byte(svg))
	}
}

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The content generators below write text that looks like real build output
// to a byte-level scanner: the same alphabets, line lengths, escapes and
// long base64 runs. None of it has to parse; all of it is deterministic for
// a given rng state.

var words = strings.Fields(`
	app user users item items list data value values state props children
	render effect memo ref context provider dispatch action reducer store
	fetch request response headers body json text status error message
	config options settings theme color size width height style className
	button input form label modal dialog tooltip popover menu table row cell
	page route router navigate location history query params search filter
	sort order limit offset cursor token session auth login logout account
	team workspace space folder task subtask comment attachment member role
	date time timestamp locale format parse string number boolean object array
	promise resolve reject then catch finally async await module exports
	default require import chunk webpack vite next react vue svelte lodash
	`)

var jsPieces = []string{
	`function %(e,t,n){"use strict";`,
	`var %=n(%d),%=n.n(%);`,
	`const %={%:"%",%:%d,%:!0,%:null};`,
	`let %=[%d,%d,%d,"%"];`,
	`e.exports=function(e){return e&&e.__esModule?e:{default:e}};`,
	`if(!%)throw new Error("% failed: "+%);`,
	`for(var r=0;r<%.length;r++)%[r]=%[r];`,
	`Object.defineProperty(t,"__esModule",{value:!0});`,
	`case %d:return t.next=%d,fetch("/api/v1/%?page="+%);`,
	`(0,r.jsx)("div",{className:"% %-%",children:%})`,
	`return %.%(%,function(e){return e.%===%});`,
	`}`,
	`},`,
	`%.prototype.%=function(){return this.%};`,
	`try{%=JSON.parse(%)}catch(e){console.warn("%",e)}`,
	`var %=Symbol.for("react.%");`,
	`%.set(%,{%:%d,%:"%"}),`,
	`const %=async(%)=>{const %=await %(%);return %.%};`,
	`/*#__PURE__*/%(%,{%:"%"});`,
	`"%":function(e,t,n){`,
	`window.%=window.%||[];`,
}

// jsBuilder appends minified-looking JavaScript to buf.
type jsBuilder struct {
	rng *rand.Rand
	buf []byte
}

func (b *jsBuilder) ident() {
	r := b.rng.IntN(10)
	switch {
	case r < 5:
		b.buf = append(b.buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"[b.rng.IntN(54)])
		if r < 2 {
			b.buf = append(b.buf, "abcdefghijklmnopqrstuvwxyz0123456789"[b.rng.IntN(36)])
		}
	default:
		b.buf = append(b.buf, words[b.rng.IntN(len(words))]...)
		if r == 9 {
			w := words[b.rng.IntN(len(words))]
			b.buf = append(b.buf, w[0]-32)
			b.buf = append(b.buf, w[1:]...)
		}
	}
}

// piece appends one statement-like fragment.
func (b *jsBuilder) piece() {
	p := jsPieces[b.rng.IntN(len(jsPieces))]
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			b.buf = append(b.buf, c)
			continue
		}
		if i+1 < len(p) && p[i+1] == 'd' {
			b.buf = strconv.AppendInt(b.buf, int64(b.rng.IntN(100000)), 10)
			i++
			continue
		}
		b.ident()
	}
}

// genJS returns about size bytes of JavaScript. lineLen is the mean line
// length; 0 means a single line (a minified bundle). Near misses are
// sprinkled every 1-6 KB; long OAuth-shaped values only if !clickup.
func genJS(rng *rand.Rand, size, lineLen int, clickup bool) []byte {
	b := &jsBuilder{rng: rng, buf: make([]byte, 0, size+4096)}
	b.buf = append(b.buf, `"use strict";`...)
	nextMiss := 1024 + rng.IntN(5*1024)
	nextLine := lineLen
	nextURI := 64*1024 + rng.IntN(512*1024)
	for len(b.buf) < size {
		b.piece()
		if len(b.buf) >= nextMiss {
			b.buf = append(b.buf, `var `...)
			b.ident()
			b.buf = append(b.buf, `="`...)
			b.buf = append(b.buf, nearMiss(rng, clickup)...)
			b.buf = append(b.buf, `";`...)
			if !clickup && rng.IntN(4) == 0 {
				b.buf = append(b.buf, `var _h={`...)
				b.buf = append(b.buf, longNearMiss(rng)...)
				b.buf = append(b.buf, `};`...)
			}
			nextMiss = len(b.buf) + 1024 + rng.IntN(5*1024)
		}
		if len(b.buf) >= nextURI {
			// Bundlers inline small assets as base64 data URIs: long base64
			// runs that a decoder has to look at.
			b.buf = append(b.buf, `var img="data:image/png;base64,`...)
			b.buf = base64.StdEncoding.AppendEncode(b.buf, randBytes(rng, 512+rng.IntN(16*1024)))
			b.buf = append(b.buf, `";`...)
			nextURI = len(b.buf) + 64*1024 + rng.IntN(512*1024)
		}
		if lineLen > 0 && len(b.buf) >= nextLine {
			b.buf = append(b.buf, '\n')
			for range rng.IntN(3) {
				b.buf = append(b.buf, "  "...)
			}
			nextLine = len(b.buf) + lineLen/2 + rng.IntN(lineLen)
		}
	}
	return b.buf
}

// genTS returns TypeScript-like source with real newlines, the text that a
// source map embeds in sourcesContent.
func genTS(rng *rand.Rand, size int) []byte {
	b := &jsBuilder{rng: rng, buf: make([]byte, 0, size+256)}
	nextMiss := 2048 + rng.IntN(6*1024)
	for len(b.buf) < size {
		switch rng.IntN(6) {
		case 0:
			b.buf = append(b.buf, "import { "...)
			b.ident()
			b.buf = append(b.buf, " } from \"./"...)
			b.ident()
			b.buf = append(b.buf, "\";\n"...)
		case 1:
			b.buf = append(b.buf, "export function "...)
			b.ident()
			b.buf = append(b.buf, "(props: Props): JSX.Element {\n  const [state, setState] = useState<string>(\"\");\n"...)
		case 2:
			b.buf = append(b.buf, "  // "...)
			for range 3 + rng.IntN(8) {
				b.buf = append(b.buf, words[rng.IntN(len(words))]...)
				b.buf = append(b.buf, ' ')
			}
			b.buf = append(b.buf, "\n"...)
		case 3:
			b.buf = append(b.buf, "  return <div className=\"card\">{props.children}</div>;\n}\n\n"...)
		default:
			b.buf = append(b.buf, "  "...)
			b.piece()
			b.buf = append(b.buf, '\n')
		}
		if len(b.buf) >= nextMiss {
			b.buf = append(b.buf, "const legacyKey = \""...)
			b.buf = append(b.buf, nearMiss(rng, false)...)
			b.buf = append(b.buf, "\";\n"...)
			nextMiss = len(b.buf) + 2048 + rng.IntN(6*1024)
		}
	}
	return b.buf
}

// appendJSONString appends s as a JSON string literal (quotes included),
// escaping the way bundlers do.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for _, c := range s {
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		case '/':
			// Some serialisers escape '/', which a decoder must undo.
			dst = append(dst, '\\', '/')
		default:
			if c < 0x20 {
				dst = append(dst, `\u00`...)
				dst = append(dst, hexLower[c>>4], hexLower[c&15])
				continue
			}
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

const vlqChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func appendVLQ(dst []byte, v int) []byte {
	u := v << 1
	if v < 0 {
		u = (-v << 1) | 1
	}
	for {
		d := u & 31
		u >>= 5
		if u > 0 {
			d |= 32
		}
		dst = append(dst, vlqChars[d])
		if u == 0 {
			return dst
		}
	}
}

// genSourceMap returns a version 3 source map of about size bytes: base64
// VLQ mappings and the original sources embedded as JSON strings. plant, if
// not nil, is inserted into one of the sources before it is escaped.
func genSourceMap(rng *rand.Rand, size int, file string, plant []byte) []byte {
	out := make([]byte, 0, size+8192)
	out = append(out, `{"version":3,"file":"`...)
	out = append(out, file...)
	out = append(out, `","mappings":"`...)
	mapSize := size / 3
	start := len(out)
	for len(out)-start < mapSize {
		for range 1 + rng.IntN(40) {
			n := 4
			if rng.IntN(3) == 0 {
				n = 5
			}
			for range n {
				out = appendVLQ(out, rng.IntN(200)-100)
			}
			out = append(out, ',')
		}
		out[len(out)-1] = ';'
	}
	nsrc := 1 + rng.IntN(12)
	out = append(out, `","sources":[`...)
	names := make([]string, nsrc)
	for i := range nsrc {
		names[i] = "webpack://app/./src/" + words[rng.IntN(len(words))] + "/" + words[rng.IntN(len(words))] + ".tsx"
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, []byte(names[i]))
	}
	out = append(out, `],"sourcesContent":[`...)
	per := (size - len(out)) / nsrc
	at := rng.IntN(nsrc)
	for i := range nsrc {
		src := genTS(rng, max(per, 256))
		if plant != nil && i == at {
			src = insertAt(src, lineStart(src, rng.IntN(len(src))), plant)
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, src)
	}
	out = append(out, `],"names":["`...)
	for i := range 20 + rng.IntN(200) {
		if i > 0 {
			out = append(out, `","`...)
		}
		out = append(out, words[rng.IntN(len(words))]...)
	}
	out = append(out, `"]}`...)
	return out
}

// genCSS returns minified CSS; fonts is whether to inline base64 fonts.
func genCSS(rng *rand.Rand, size int, fonts bool) []byte {
	out := make([]byte, 0, size+64*1024)
	for len(out) < size {
		if fonts && rng.IntN(300) == 0 {
			out = append(out, `@font-face{font-family:"Inter";font-display:swap;src:url(data:font/woff2;base64,`...)
			out = base64.StdEncoding.AppendEncode(out, randBytes(rng, 8*1024+rng.IntN(40*1024)))
			out = append(out, `) format("woff2")}`...)
			continue
		}
		out = append(out, '.')
		out = append(out, words[rng.IntN(len(words))]...)
		out = append(out, '-')
		out = append(out, randFrom(rng, lowerDigits, 5)...)
		out = append(out, `{display:flex;color:#`...)
		out = append(out, randFrom(rng, hexLower, 6)...)
		out = append(out, `;margin:`...)
		out = strconv.AppendInt(out, int64(rng.IntN(32)), 10)
		out = append(out, `px 0;transition:opacity .2s ease-in-out}`...)
		if rng.IntN(40) == 0 {
			out = append(out, `@media (min-width:768px){.`...)
			out = append(out, words[rng.IntN(len(words))]...)
			out = append(out, `{padding:0 24px}}`...)
		}
	}
	return out
}

// genHTML returns an index.html with inline JSON state and near misses;
// inline, if not nil, is placed inside an inline script.
func genHTML(rng *rand.Rand, size int, inline []byte) []byte {
	out := make([]byte, 0, size+4096)
	out = append(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>Dashboard</title>\n<link rel=\"stylesheet\" href=\"/assets/index-"...)
	out = append(out, randFrom(rng, hexLower, 8)...)
	out = append(out, ".css\">\n<script>window.__CONFIG__={apiBase:\"/api\",release:\""...)
	out = append(out, randFrom(rng, hexLower, 12)...)
	out = append(out, "\"};</script>\n"...)
	if inline != nil {
		out = append(out, "<script>"...)
		out = append(out, inline...)
		out = append(out, "</script>\n"...)
	}
	out = append(out, "</head>\n<body>\n<div id=\"root\"></div>\n<script id=\"__NEXT_DATA__\" type=\"application/json\">{\"props\":{\"pageProps\":{"...)
	for len(out) < size {
		out = append(out, '"')
		out = append(out, words[rng.IntN(len(words))]...)
		out = append(out, `":`...)
		out = appendJSONString(out, []byte(strings.Repeat(words[rng.IntN(len(words))]+" ", 1+rng.IntN(12))))
		out = append(out, ',')
		if rng.IntN(30) == 0 {
			out = append(out, `"publishableKey":"`...)
			out = append(out, nearMiss(rng, false)...)
			out = append(out, `",`...)
		}
	}
	out = append(out, "\"page\":\"/\"}}}</script>\n<script type=\"module\" src=\"/assets/index-"...)
	out = append(out, randFrom(rng, hexLower, 8)...)
	out = append(out, ".js\"></script>\n</body>\n</html>\n"...)
	return out
}

// genJSON returns a build manifest or config JSON file.
func genJSON(rng *rand.Rand, size int) []byte {
	out := make([]byte, 0, size+512)
	out = append(out, "{\n"...)
	for len(out) < size {
		out = append(out, "  \"/"...)
		out = append(out, words[rng.IntN(len(words))]...)
		out = append(out, "/"...)
		out = append(out, words[rng.IntN(len(words))]...)
		out = append(out, "\": [\"static/chunks/"...)
		out = append(out, randFrom(rng, hexLower, 16)...)
		out = append(out, ".js\", \"static/css/"...)
		out = append(out, randFrom(rng, hexLower, 16)...)
		out = append(out, ".css\"],\n"...)
	}
	out = append(out, "  \"/_app\": []\n}\n"...)
	return out
}

// genText returns prose-like text (licences, READMEs, robots.txt).
func genText(rng *rand.Rand, size int) []byte {
	out := make([]byte, 0, size+128)
	col := 0
	for len(out) < size {
		w := words[rng.IntN(len(words))]
		out = append(out, w...)
		col += len(w) + 1
		if col > 72 {
			out = append(out, '\n')
			col = 0
		} else {
			out = append(out, ' ')
		}
	}
	return out
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rng.Uint64())
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// genBinary returns a blob of the given type: random bytes behind a real
// header, with a few ASCII strings (and near misses) as linkers leave them.
func genBinary(rng *rand.Rand, kind string, size int) []byte {
	var out []byte
	switch kind {
	case "png":
		out = append(out, "\x89PNG\r\n\x1a\n"...)
		out = pngChunk(out, "IHDR", []byte{0, 0, 4, 0, 0, 0, 3, 0, 8, 6, 0, 0, 0})
		out = pngChunk(out, "IDAT", randBytes(rng, max(size-64, 16)))
		out = pngChunk(out, "IEND", nil)
		return out
	case "jpg":
		out = append(out, "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"...)
		out = append(out, randBytes(rng, max(size-24, 16))...)
		return append(out, 0xff, 0xd9)
	case "woff2":
		out = append(out, "wOF2\x00\x01\x00\x00"...)
		return append(out, randBytes(rng, max(size-8, 16))...)
	case "wasm":
		out = append(out, "\x00asm\x01\x00\x00\x00"...)
	default: // ELF shared object (.node)
		out = append(out, "\x7fELF\x02\x01\x01\x00"...)
	}
	for len(out) < size {
		out = append(out, randBytes(rng, 4096+rng.IntN(64*1024))...)
		out = append(out, 0)
		out = append(out, words[rng.IntN(len(words))]...)
		out = append(out, 0)
		if rng.IntN(4) == 0 {
			out = append(out, nearMiss(rng, false)...)
			out = append(out, 0)
		}
	}
	return out
}

func pngChunk(dst []byte, typ string, data []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	start := len(dst)
	dst = append(dst, typ...)
	dst = append(dst, data...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

// insertAt returns b with ins inserted at offset off.
func insertAt(b []byte, off int, ins []byte) []byte {
	out := make([]byte, 0, len(b)+len(ins))
	out = append(out, b[:off]...)
	out = append(out, ins...)
	return append(out, b[off:]...)
}

// lineStart returns the offset of the start of the line holding off.
func lineStart(b []byte, off int) int {
	return bytes.LastIndexByte(b[:off], '\n') + 1
}

// stmtBoundary returns an offset at or after off just past a ';' or '}',
// where a statement can be inserted into generated JavaScript.
func stmtBoundary(b []byte, off int) int {
	for i := off; i < len(b); i++ {
		if b[i] == ';' || b[i] == '}' {
			return i + 1
		}
	}
	return len(b)
}

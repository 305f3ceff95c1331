package scanner

import "bytes"

// jsonUnescape decodes JSON and JavaScript string escapes (\uXXXX, \xXX,
// \/ and the one-letter escapes) in b, twice over so that doubly escaped
// text (\\u005f in JSON embedded in a JS string) decodes too. Invalid
// escapes are kept as they are.
func jsonUnescape(b []byte) []byte {
	out := unescapeOnce(b)
	if bytes.IndexByte(out, '\\') >= 0 {
		out = unescapeOnce(out)
	}
	return out
}

func unescapeOnce(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		switch e := b[i+1]; e {
		case 'u':
			if i+6 <= len(b) {
				if v, ok := parseHex(b[i+2 : i+6]); ok && v < 0x80 {
					out = append(out, byte(v))
					i += 5
					continue
				}
			}
		case 'x':
			if i+4 <= len(b) {
				if v, ok := parseHex(b[i+2 : i+4]); ok && v < 0x80 {
					out = append(out, byte(v))
					i += 3
					continue
				}
			}
		case '/', '\\', '"', '\'':
			out = append(out, e)
			i++
			continue
		case 'n':
			out = append(out, '\n')
			i++
			continue
		case 't':
			out = append(out, '\t')
			i++
			continue
		case 'r':
			out = append(out, '\r')
			i++
			continue
		}
		out = append(out, c)
	}
	return out
}

// urlDecode decodes %XX escapes (twice over, for double encoding) and
// leaves everything else, '+' included, as it is.
func urlDecode(b []byte) []byte {
	out := percentOnce(b)
	if bytes.IndexByte(out, '%') >= 0 {
		out = percentOnce(out)
	}
	return out
}

func percentOnce(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+3 <= len(b) {
			if v, ok := parseHex(b[i+1 : i+3]); ok {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

func parseHex(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | int(d)
	}
	return v, true
}

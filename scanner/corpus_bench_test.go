package scanner

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadBenchCorpus reads the plain (not archived) files of the corpus named
// by CLICKUP_BENCH_CORPUS (a bench/gencorpus output directory) into memory.
func loadBenchCorpus(b *testing.B) [][]byte {
	root := os.Getenv("CLICKUP_BENCH_CORPUS")
	if root == "" {
		b.Skip("set CLICKUP_BENCH_CORPUS to a bench/gencorpus directory to run this benchmark")
	}
	var files [][]byte
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, ext := range []string{".gz", ".tgz", ".zip", ".jar"} {
			if strings.HasSuffix(p, ext) {
				return nil
			}
		}
		data, err := os.ReadFile(p)
		files = append(files, data)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return files
}

// BenchmarkMatchCorpus runs the matcher over the plain files of a generated
// corpus in windows, as scanStream does, without I/O.
func BenchmarkMatchCorpus(b *testing.B) {
	files := loadBenchCorpus(b)
	var total int64
	for _, f := range files {
		total += int64(len(f))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for range b.N {
		n := 0
		for _, f := range files {
			for off := 0; off < len(f); off += windowSize {
				matchWindow(f[off:min(len(f), off+windowSize+windowOverlap)], 0, func(rawMatch) { n++ })
			}
		}
	}
}

// benchWindows returns the first window (windowSize bytes) of a few corpus
// files of each kind, to time matcher stages on data that sits in cache.
func benchWindows(b *testing.B) map[string][]byte {
	root := os.Getenv("CLICKUP_BENCH_CORPUS")
	if root == "" {
		b.Skip("set CLICKUP_BENCH_CORPUS to a bench/gencorpus directory to run this benchmark")
	}
	out := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(p)
		if strings.HasSuffix(p, ".js.map") {
			ext = ".map"
		}
		if len(out[ext]) >= windowSize {
			return nil
		}
		data, _ := os.ReadFile(p)
		out[ext] = append(out[ext], data...)
		if len(out[ext]) > windowSize {
			out[ext] = out[ext][:windowSize]
		}
		return nil
	})
	return out
}

func BenchmarkStages(b *testing.B) {
	ws := benchWindows(b)
	for _, ext := range []string{".js", ".map", ".css", ".png", ".wasm", ".html"} {
		w := ws[ext]
		b.Run(ext[1:]+"/anchors", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				findAnchors(w, func(int) {})
			}
		})
		b.Run(ext[1:]+"/runs", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				forEachRun(w, 0, len(w), minBlobRun, func(int, int) {})
			}
		})
		b.Run(ext[1:]+"/blobs", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				matchBase64Blobs(w, 0, func(rawMatch) {})
			}
		})
		b.Run(ext[1:]+"/window", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				matchWindow(w, 0, func(rawMatch) {})
			}
		})
	}
}

func BenchmarkBlobAB(b *testing.B) {
	ws := benchWindows(b)
	for _, ext := range []string{".js", ".map", ".css", ".html"} {
		w := ws[ext]
		b.Run(ext[1:]+"/ref", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				refForEachRun(w, 0, len(w), minBlobRun, func(s, e int) { refScanBlob(w, s, e, 0, func(rawMatch) {}) })
			}
		})
		b.Run(ext[1:]+"/new", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				forEachRun(w, 0, len(w), minBlobRun, func(s, e int) { scanBlob(w, s, e, 0, func(rawMatch) {}) })
			}
		})
		b.Run(ext[1:]+"/runs", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				forEachRun(w, 0, len(w), minBlobRun, func(s, e int) {})
			}
		})
		b.Run(ext[1:]+"/refruns", func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for range b.N {
				refForEachRun(w, 0, len(w), minBlobRun, func(s, e int) {})
			}
		})
	}
}

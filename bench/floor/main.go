// Command floor measures the work under the dir benchmark that any scanner
// doing what clickup-secret-scan dir does must pay before it matches
// anything: read every file under a directory and inflate every archive in
// it (.gz, .tgz/.tar.gz, .zip/.jar, nested ones too), with the same
// decompressors as the scanner (klauspost/compress) and one worker per core,
// but match nothing. bench/dir.sh times it in the same run as ripgrep and
// clickup-secret-scan, so the wall-time target can be set against what is
// reachable at all.
//
// It prints the number of bytes it read from plain files and inflated from
// archives. Archives are recognised by name, as the benchmark corpus names
// them truthfully.
//
// Usage:
//
//	go run ./bench/floor DIR
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor DIR")
		os.Exit(2)
	}
	n, err := drainTree(os.Args[1], runtime.GOMAXPROCS(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

// drainTree reads every regular file under root with workers goroutines
// and returns the bytes read from plain files plus the bytes inflated from
// archives.
func drainTree(root string, workers int) (int64, error) {
	paths := make(chan string, 4*workers)
	var (
		total    atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			br := bufio.NewReaderSize(nil, 64<<10)
			for p := range paths {
				n, err := drainFile(p, br, buf)
				total.Add(n)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	walkErr := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths <- p
		}
		return nil
	})
	close(paths)
	wg.Wait()
	if walkErr != nil {
		return total.Load(), fmt.Errorf("failed to walk %s: %w", root, walkErr)
	}
	return total.Load(), firstErr
}

// drainFile drains the file at p through br, which it resets; buf is the
// worker's read buffer.
func drainFile(p string, br *bufio.Reader, buf []byte) (int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, fmt.Errorf("failed to open %s: %w", p, err)
	}
	defer f.Close()
	name := filepath.Base(p)
	var n int64
	if isZip(name) {
		// A zip on disk is read in place, as the scanner does.
		var st os.FileInfo
		if st, err = f.Stat(); err == nil {
			n, err = drainZipAt(f, st.Size(), buf)
		}
	} else {
		// The decompressors read a byte at a time from an io.ByteReader;
		// a large buffer keeps that from costing a system call per 4 KB.
		// It is reused from file to file, as the scanner pools its own.
		br.Reset(f)
		n, err = drain(name, br, buf)
		br.Reset(nil)
	}
	if err != nil {
		return n, fmt.Errorf("failed to read %s: %w", p, err)
	}
	return n, nil
}

// drain reads r, named name, to its end and returns the bytes it yielded;
// archives are opened and their members drained in turn.
func drain(name string, r io.Reader, buf []byte) (int64, error) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".gz") || strings.HasSuffix(lower, ".tgz"):
		zr := gzipReaders.Get().(*kgzip.Reader)
		defer gzipReaders.Put(zr)
		if err := zr.Reset(r); err != nil {
			return 0, err
		}
		if strings.HasSuffix(lower, ".gz") && !strings.HasSuffix(lower, ".tar.gz") {
			return drain(name[:len(name)-len(".gz")], zr, buf)
		}
		return drainTar(zr, buf)
	case isZip(lower):
		data, err := io.ReadAll(r)
		if err != nil {
			return 0, err
		}
		return drainZipAt(bytes.NewReader(data), int64(len(data)), buf)
	}
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func drainTar(r io.Reader, buf []byte) (int64, error) {
	tr := tar.NewReader(r)
	var n int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		k, err := drain(h.Name, tr, buf)
		n += k
		if err != nil {
			return n, err
		}
	}
}

// The decompressors and the 64 KB buffers in front of zip members are
// pooled, as the scanner pools its own: a fresh decompressor allocates its
// 32 KB window and tables, and without a buffer klauspost/compress reads a
// member 4 KB per system call.
var (
	gzipReaders  = sync.Pool{New: func() any { return new(kgzip.Reader) }}
	flateReaders sync.Pool
	memberBufs   = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
)

type pooledFlate struct {
	io.ReadCloser
	br *bufio.Reader
}

func (p pooledFlate) Close() error {
	err := p.ReadCloser.Close()
	flateReaders.Put(p.ReadCloser)
	p.br.Reset(nil)
	memberBufs.Put(p.br)
	return err
}

func newPooledFlate(r io.Reader) io.ReadCloser {
	br := memberBufs.Get().(*bufio.Reader)
	br.Reset(r)
	if fr, ok := flateReaders.Get().(io.ReadCloser); ok {
		fr.(kflate.Resetter).Reset(br, nil)
		return pooledFlate{fr, br}
	}
	return pooledFlate{kflate.NewReader(br), br}
}

func isZip(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".zip") || strings.HasSuffix(lower, ".jar")
}

// drainZipAt drains the members of the zip in ra; nested zips are held in
// memory, as the scanner does with archives that are not files on disk.
func drainZipAt(ra io.ReaderAt, size int64, buf []byte) (int64, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return 0, err
	}
	zr.RegisterDecompressor(zip.Deflate, newPooledFlate)
	var n int64
	for _, m := range zr.File {
		if m.FileInfo().IsDir() {
			continue
		}
		rc, err := m.Open()
		if err != nil {
			return n, err
		}
		k, err := drain(m.Name, rc, buf)
		rc.Close()
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

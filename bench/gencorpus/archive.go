package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"time"
)

// epoch is the fixed modification time of every archive member, so that the
// same seed gives the same bytes.
var epoch = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// member is one file inside an archive.
type member struct {
	name string
	data []byte
}

func gzipBytes(name string, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	zw.Name = name
	zw.ModTime = epoch
	if _, err := zw.Write(data); err != nil {
		return nil, fmt.Errorf("failed to gzip %s: %w", name, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("failed to gzip %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func zipBytes(members []member) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		method := zip.Deflate
		if isCompressed(m.name) {
			// Packers store already-compressed members as they are.
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: method, Modified: epoch})
		if err != nil {
			return nil, fmt.Errorf("failed to add %s to zip: %w", m.name, err)
		}
		if _, err := w.Write(m.data); err != nil {
			return nil, fmt.Errorf("failed to add %s to zip: %w", m.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("failed to finish zip: %w", err)
	}
	return buf.Bytes(), nil
}

func tarGzBytes(name string, members []member) ([]byte, error) {
	var tbuf bytes.Buffer
	tw := tar.NewWriter(&tbuf)
	for _, m := range members {
		hdr := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), ModTime: epoch, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("failed to add %s to tar: %w", m.name, err)
		}
		if _, err := tw.Write(m.data); err != nil {
			return nil, fmt.Errorf("failed to add %s to tar: %w", m.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("failed to finish tar: %w", err)
	}
	return gzipBytes(name, tbuf.Bytes())
}

func isCompressed(name string) bool {
	for _, ext := range []string{".gz", ".zip", ".jar", ".png", ".jpg", ".woff2"} {
		if len(name) > len(ext) && name[len(name)-len(ext):] == ext {
			return true
		}
	}
	return false
}

//go:build (!amd64 && !arm64) || purego

package scanner

// vectorClassifiers reports that this build has no vectorised classifier:
// the matcher searches byte by byte. Build with -tags purego to take this
// path on amd64 and arm64 too.
func vectorClassifiers() []namedClassifier { return nil }

//go:build !amd64

package parse

// SetVector does nothing: without vector code nothing is indexed.
func SetVector(bool) (restore func()) { return func() {} }

//go:build !amd64

package multisha

// vectorKernel is nil: only amd64 has lanes that beat crypto/sha256.
var vectorKernel kernel

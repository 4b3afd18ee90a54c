package multisha

import "golang.org/x/sys/cpu"

// blocks16AVX512 is a kernel (see kernel): AVX-512 F for the arithmetic
// and shuffles, BW for the byte swap.
//
//go:noescape
func blocks16AVX512(state *[8][lanes]uint32, ptrs *[lanes]*byte, n int)

// vectorKernel is what NewPool hashes with, nil where nothing beats
// crypto/sha256.
var vectorKernel = func() kernel {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		return blocks16AVX512
	}
	return nil
}()

//go:build !amd64

package inflate

// haveAsm is false: there is a fastAsm for amd64 only.
const haveAsm = false

// fastAsm is not called where haveAsm is false.
func fastAsm(in *[inSize + 8]byte, out *[outSize + 8]byte, lt *[llSize]uint32, dt *[dSize]uint32, ip, op, lo, inEnd uint, bb uint64, bl uint) (opEnd, pos uint, stopped bool) {
	return fastGo(in, out, lt, dt, ip, op, lo, inEnd, bb, bl)
}

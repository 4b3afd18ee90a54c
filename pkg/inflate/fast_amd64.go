package inflate

import "golang.org/x/sys/cpu"

// haveAsm tells whether the CPU runs fastAsm: it shifts with BMI2.
var haveAsm = cpu.X86.HasBMI2

// fastAsm is fastGo in assembly, doing exactly what it does.
//
//go:noescape
func fastAsm(in *[inSize + 8]byte, out *[outSize + 8]byte, lt *[llSize]uint32, dt *[dSize]uint32, ip, op, lo, inEnd uint, bb uint64, bl uint) (opEnd, pos uint, stopped bool)

#include "textflag.h"

// func dotU8GatherAVX2(w *float32, codes *uint8, d int, ids *uint32, n int, out *float32)
//
// out[i] = sum over j < d of w[j] * codes[ids[i]*d + j], for i < n (n > 0;
// d, the codes per row, a positive multiple of 8): the dot product of a
// prepared query with sq8 rows (sq8_fast.go). Like the float32 gather
// kernels it prefetches every row first; each 8 codes are widened to int32
// (VPMOVZXBD), converted to float32 and multiply-added, two accumulators.
TEXT ·dotU8GatherAVX2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ codes+8(FP), DI
	MOVQ d+16(FP), R11
	MOVQ ids+24(FP), R8
	MOVQ n+32(FP), R9
	MOVQ out+40(FP), R10
	MOVQ R11, R13
	ANDQ $-16, R13
	XORQ BX, BX
	TESTQ R9, R9
	JZ u8done

u8pfrow:
	MOVL (R8)(BX*4), AX
	IMULQ R11, AX
	ADDQ DI, AX
	XORQ R12, R12

u8pfline:
	PREFETCHT0 (AX)(R12*1)
	ADDQ $64, R12
	CMPQ R12, R11
	JLT u8pfline
	INCQ BX
	CMPQ BX, R9
	JLT u8pfrow
	XORQ BX, BX

u8row:
	MOVL (R8)(BX*4), AX
	IMULQ R11, AX
	ADDQ DI, AX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ R12, R12
	CMPQ R12, R13
	JGE u8tail

u8loop:
	VPMOVZXBD (AX)(R12*1), Y2
	VPMOVZXBD 8(AX)(R12*1), Y3
	VCVTDQ2PS Y2, Y2
	VCVTDQ2PS Y3, Y3
	VFMADD231PS (SI)(R12*4), Y2, Y0
	VFMADD231PS 32(SI)(R12*4), Y3, Y1
	ADDQ $16, R12
	CMPQ R12, R13
	JLT u8loop

u8tail:
	CMPQ R12, R11
	JGE u8reduce
	VPMOVZXBD (AX)(R12*1), Y2
	VCVTDQ2PS Y2, Y2
	VFMADD231PS (SI)(R12*4), Y2, Y0

u8reduce:
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, (R10)(BX*4)
	INCQ BX
	CMPQ BX, R9
	JLT u8row

u8done:
	VZEROUPPER
	RET

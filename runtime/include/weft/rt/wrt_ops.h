// wrt_ops.h: operator numbers shared by the compiler and wrt_binop,
// wrt_inplace, wrt_unop and wrt_compare. Part of the runtime ABI.
#ifndef WEFT_RT_WRT_OPS_H
#define WEFT_RT_WRT_OPS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum WBinOp {
  WOP_ADD = 0, WOP_SUB, WOP_MUL, WOP_TRUEDIV, WOP_FLOORDIV, WOP_MOD, WOP_POW,
  WOP_LSHIFT, WOP_RSHIFT, WOP_AND, WOP_OR, WOP_XOR, WOP_MATMUL,
} WBinOp;

typedef enum WUnOp { WOP_NEG = 0, WOP_POS, WOP_INVERT } WUnOp;

typedef enum WCmpOp { WOP_EQ = 0, WOP_NE, WOP_LT, WOP_LE, WOP_GT, WOP_GE } WCmpOp;

#ifdef __cplusplus
}
#endif

#endif

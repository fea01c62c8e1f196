// AVX2 + FMA build of the slice kernels (this file alone is compiled with -mavx2 -mfma; it runs
// only where the CPU reports both, see slice_kernels()).
#define UNSUP_SLICE_ISA avx2
#include "csr_slice_kernels.inc"
#undef UNSUP_SLICE_ISA

// Baseline build of the slice kernels, and the choice between it and the AVX2 build.
#define UNSUP_SLICE_ISA baseline
#include "csr_slice_kernels.inc"
#undef UNSUP_SLICE_ISA

namespace unsup::linalg {

#if defined(UNSUP_HAVE_AVX2_KERNELS)
namespace avx2 {
const SliceKernels& kernels();
}
#endif

const SliceKernels& slice_kernels() {
#if defined(UNSUP_HAVE_AVX2_KERNELS)
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2) return avx2::kernels();
#endif
    return baseline::kernels();
}

}  // namespace unsup::linalg

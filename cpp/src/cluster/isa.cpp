#include "unsup/cluster/isa.hpp"

namespace unsup::cluster {

Isa running_isa() {
#if defined(UNSUP_HAVE_ISA_KERNELS)
    static const Isa best = [] {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma"))
            return Isa::avx512;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
        return Isa::baseline;
    }();
    return best;
#else
    return Isa::baseline;
#endif
}

const char* isa_name(Isa isa) {
    switch (isa) {
        case Isa::avx2: return "avx2";
        case Isa::avx512: return "avx512";
        default: return "baseline";
    }
}

}  // namespace unsup::cluster

// The instruction sets the clustering kernels are compiled for, and the one the running CPU takes.
//
// Each kernel family keeps its hot loops in one `<family>_kernels.inc`, which CMake compiles three
// times (unsup_isa_kernels in CMakeLists.txt): baseline x86-64 / the host's default, AVX2 + FMA, and
// AVX-512 (F, DQ, BW, VL). Each build lands in its own namespace (unsup::cluster::baseline, ::avx2,
// ::avx512, named by the macro UNSUP_ISA), so the three never collide at link time; the family's
// dispatcher calls running_isa() once and keeps the table of the best build.
#pragma once

namespace unsup::cluster {

enum class Isa { baseline, avx2, avx512 };

/// The widest build that is compiled in and that the running CPU supports.
Isa running_isa();

/// "baseline", "avx2" or "avx512".
const char* isa_name(Isa isa);

}  // namespace unsup::cluster

// For a family's dispatcher (cpp/src/cluster/<family>.cpp):
//   UNSUP_ISA_DECLARE(const KMeansKernels& kmeans_kernels())  declares the function in every build;
//   UNSUP_ISA_PICK(kmeans_kernels())                           calls the one of running_isa().
#if defined(UNSUP_HAVE_ISA_KERNELS)
#define UNSUP_ISA_DECLARE(...)   \
    namespace baseline {         \
    __VA_ARGS__;                 \
    }                            \
    namespace avx2 {             \
    __VA_ARGS__;                 \
    }                            \
    namespace avx512 {           \
    __VA_ARGS__;                 \
    }
#define UNSUP_ISA_PICK(...)                                                  \
    (::unsup::cluster::running_isa() == ::unsup::cluster::Isa::avx512 ? avx512::__VA_ARGS__ \
     : ::unsup::cluster::running_isa() == ::unsup::cluster::Isa::avx2 ? avx2::__VA_ARGS__   \
                                                                       : baseline::__VA_ARGS__)
#else
#define UNSUP_ISA_DECLARE(...) \
    namespace baseline {       \
    __VA_ARGS__;               \
    }
#define UNSUP_ISA_PICK(...) (baseline::__VA_ARGS__)
#endif

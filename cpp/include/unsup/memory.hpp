// Buffers for the large arrays of graph kernels, backed by transparent huge pages where possible.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace unsup {

/// Allocator that asks the kernel for 2 MiB pages for blocks of 2 MiB and more (Linux; elsewhere
/// it is the default allocator). Random access over a graph's node and edge arrays misses the TLB
/// on almost every step with 4 KiB pages; huge pages make those walks cheap and the run time
/// steady (with `transparent_hugepage=madvise`, the usual default, nothing else gets them).
template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t{1} << 21;

    HugePageAllocator() noexcept = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (bytes >= kHugePage) {
            const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
            void* p = std::aligned_alloc(kHugePage, rounded);
            if (p == nullptr) throw std::bad_alloc();
            madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure only costs speed
            return static_cast<T*>(p);
        }
#endif
        return static_cast<T*>(::operator new(bytes));
    }

    void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (n * sizeof(T) >= kHugePage) {
            std::free(p);
            return;
        }
#endif
        (void)n;
        ::operator delete(p);
    }
};

template <class T, class U>
bool operator==(const HugePageAllocator<T>&, const HugePageAllocator<U>&) noexcept {
    return true;
}
template <class T, class U>
bool operator!=(const HugePageAllocator<T>&, const HugePageAllocator<U>&) noexcept {
    return false;
}

/// A std::vector for the large per-node and per-link arrays of the kernels.
template <class T>
using Buffer = std::vector<T, HugePageAllocator<T>>;

}  // namespace unsup

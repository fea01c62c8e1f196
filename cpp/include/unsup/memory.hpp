// Buffers for the large arrays of graph kernels, backed by transparent huge pages where possible.
#pragma once

#include <cstddef>
#include <cstdint>
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
        if (bytes >= kHugePage) return static_cast<T*>(map_huge(rounded(bytes)));
#endif
        return static_cast<T*>(::operator new(bytes));
    }

    void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (n * sizeof(T) >= kHugePage) {
            munmap(p, rounded(n * sizeof(T)));
            return;
        }
#endif
        (void)n;
        ::operator delete(p);
    }

private:
    static std::size_t rounded(std::size_t bytes) noexcept { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

#if defined(__linux__) && defined(MADV_HUGEPAGE)
    /// `size` bytes (a multiple of 2 MiB) mapped straight from the kernel at a 2 MiB boundary.
    /// Not from the heap: a freed block goes back to the system at once, so the resident size
    /// follows what the search holds, not the most it ever held (the heap keeps freed blocks,
    /// and repeated trials and levels would pile them up). Pages are only resident once written,
    /// so reserving more than will be written costs address space only.
    static void* map_huge(std::size_t size) {
        if (size == 0 || size > static_cast<std::size_t>(-1) - kHugePage) throw std::bad_alloc();  // rounding wrapped
        const std::size_t span = size + kHugePage;  // room to align the start
        void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) throw std::bad_alloc();
        const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(raw);
        const std::uintptr_t start = rounded(begin);
        if (start > begin) munmap(raw, start - begin);
        const std::size_t tail = (begin + span) - (start + size);
        if (tail > 0) munmap(reinterpret_cast<void*>(start + size), tail);
        madvise(reinterpret_cast<void*>(start), size, MADV_HUGEPAGE);  // a hint: failure only costs speed
        return reinterpret_cast<void*>(start);
    }
#endif
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

// Walking the unit positions of a buffer of runs in blocks, so that a block's memory reads can
// be requested (prefetched) before any of them is used.
#pragma once

#include <algorithm>
#include <cstddef>

#include "unsup/text/unit_reader.hpp"

namespace unsup::text {

/// Positions (or other items) per block: enough requests in flight to hide the memory latency,
/// few enough for the line fill buffers.
constexpr std::size_t kPrefetchBlock = 32;

/// For each unit position i of `u[0, n)` (runs ended by kBoundary), in order, calls
/// `take(i, len, slot) -> bool`, where len is the number of units from i to the end of its run
/// (at most `top`) and `slot` the index in the block the position would take; `take` says
/// whether it took it. After every kPrefetchBlock positions taken, and at the end, calls
/// `flush(m)` with the number of positions taken since the last flush.
template <class Take, class Flush>
void for_position_blocks(const unit_t* u, std::size_t n, std::size_t top, Take&& take, Flush&& flush) {
    std::size_t end = 0;  // the boundary (or n) that closes the run holding position i
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (u[i] == kBoundary) continue;
        if (end <= i) end = static_cast<std::size_t>(std::find(u + i, u + n, kBoundary) - u);
        if (take(i, std::min(end - i, top), m) && ++m == kPrefetchBlock) {
            flush(m);
            m = 0;
        }
    }
    if (m > 0) flush(m);
}

}  // namespace unsup::text

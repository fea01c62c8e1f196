// Shared C++ pieces: index types, plogp, a seeded RNG, input checks, interruption.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

namespace unsup {

/// Node and module ids: 32 bits keep the hot arrays small (graphs up to 2^31 - 1 nodes).
using index_t = std::int32_t;
/// Edge offsets: 64 bits, edge counts can pass 2^31.
using offset_t = std::int64_t;

namespace detail {
/// 256 buckets of the mantissa: 1 / c and log2(c) at each bucket's centre c.
struct Log2Table {
    double inv_centre[256];
    double log2_centre[256];
    Log2Table() {
        for (int i = 0; i < 256; ++i) {
            const double c = 1.0 + (i + 0.5) / 256.0;
            inv_centre[i] = 1.0 / c;
            log2_centre[i] = std::log2(c);
        }
    }
};
inline const Log2Table kLog2Table;
}  // namespace detail

/// log2(x) for finite x > 0, within a few ulp of std::log2 and about twice as fast: the
/// map-equation search spends most of its time here. x = 2^e m; m = c (1 + r) with c the centre
/// of m's bucket, |r| < 2^-9, and log(1 + r) from its series to r^6 (error below 2^-63).
inline double fast_log2(double x) noexcept {
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int exponent = static_cast<int>(bits >> 52) - 1023;
    if (exponent == -1023 || exponent == 1024) return std::log2(x);  // subnormal, inf or nan
    const std::uint32_t bucket = static_cast<std::uint32_t>(bits >> 44) & 0xFFu;
    const std::uint64_t mantissa_bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
    double m;
    std::memcpy(&m, &mantissa_bits, sizeof m);
    const double r = m * detail::kLog2Table.inv_centre[bucket] - 1.0;
    const double ln1p = r - r * r * (0.5 - r * (1.0 / 3 - r * (0.25 - r * (0.2 - r * (1.0 / 6)))));
    return exponent + detail::kLog2Table.log2_centre[bucket] + ln1p * 1.4426950408889634074;
}

/// x * log2(x), with the limit 0 at x = 0 (and for the tiny negatives rounding can leave).
inline double plogp(double x) noexcept { return x > 0.0 ? x * fast_log2(x) : 0.0; }

/// Throws std::invalid_argument (ValueError in Python) unless `ok`.
inline void require(bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
}

/// Raised when the caller asked the computation to stop (Ctrl-C in Python).
struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted") {}
};

/// A cheap "should we stop?" probe that long loops call between chunks of work.
/// The probe is supplied by the caller (the Python binding checks for signals);
/// it may be called from any thread.
class StopToken {
public:
    StopToken() = default;
    explicit StopToken(std::function<bool()> probe) : probe_(std::move(probe)) {}
    void check() const {
        if (probe_ && probe_()) throw Interrupted();
    }

private:
    std::function<bool()> probe_;
};

/// xoshiro256** seeded through splitmix64: fast, small state, identical on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
        std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1));
        for (auto& s : state_) s = splitmix64(x);
    }
    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }
    /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift, negligible bias for n << 2^32).
    std::uint32_t below(std::uint32_t n) noexcept {
        return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
    }
    /// Uniform double in [0, 1).
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint64_t state_[4];
};

/// Fisher-Yates shuffle driven by Rng (std::shuffle's output differs between standard libraries).
template <class T>
void shuffle(T* data, std::size_t n, Rng& rng) {
    for (std::size_t i = n; i > 1; --i) {
        const std::size_t j = rng.below(static_cast<std::uint32_t>(i));
        std::swap(data[i - 1], data[j]);
    }
}

}  // namespace unsup

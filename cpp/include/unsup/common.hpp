// Shared C++ pieces: index types, plogp, a seeded RNG, input checks, interruption.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace unsup {

/// Node and module ids: 32 bits keep the hot arrays small (graphs up to 2^31 - 1 nodes).
using index_t = std::int32_t;
/// Edge offsets: 64 bits, edge counts can pass 2^31.
using offset_t = std::int64_t;

/// 1 / ln 2: d/dx log2(x) = kInvLn2 / x.
constexpr double kInvLn2 = 1.4426950408889634074;

namespace detail {
/// 1024 buckets of the mantissa: 1 / c and log2(c) at each bucket's centre c (16 KiB).
struct Log2Table {
    static constexpr int kBits = 10;
    double inv_centre[1 << kBits];
    double log2_centre[1 << kBits];
    Log2Table() {
        for (int i = 0; i < (1 << kBits); ++i) {
            const double c = 1.0 + (i + 0.5) / (1 << kBits);
            inv_centre[i] = 1.0 / c;
            log2_centre[i] = std::log2(c);
        }
    }
};
inline const Log2Table kLog2Table;
}  // namespace detail

/// log2(x) for finite x > 0, within a few ulp of std::log2 and about twice as fast: the
/// map-equation search spends most of its time here. x = 2^e m; m = c (1 + r) with c the centre
/// of m's bucket, |r| < 2^-11, and log2(1 + r) from its series to r^4 (error below 2^-56).
__attribute__((always_inline)) inline double fast_log2(double x) noexcept {
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    // One test for zero, subnormals, negatives, inf and nan: the biased exponent must be in [1, 2046].
    if (bits - 0x0010000000000000ULL >= 0x7FE0000000000000ULL) return std::log2(x);
    const int exponent = static_cast<int>(bits >> 52) - 1023;
    const std::uint32_t bucket = static_cast<std::uint32_t>(bits >> (52 - detail::Log2Table::kBits)) &
                                 ((1u << detail::Log2Table::kBits) - 1);
    const std::uint64_t mantissa_bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
    double m;
    std::memcpy(&m, &mantissa_bits, sizeof m);
    const double r = m * detail::kLog2Table.inv_centre[bucket] - 1.0;
    // log2(1 + r) = (r - r^2/2 + r^3/3 - r^4/4) / ln 2, evaluated as two independent halves.
    constexpr double k = kInvLn2;
    const double r2 = r * r;
    const double log2_1p = r * ((k - (k / 2) * r) + r2 * ((k / 3) - (k / 4) * r));
    return (exponent + detail::kLog2Table.log2_centre[bucket]) + log2_1p;
}

/// x * log2(x), with the limit 0 at x = 0 (and for the tiny negatives rounding can leave).
inline double plogp(double x) noexcept { return x > 0.0 ? x * fast_log2(x) : 0.0; }

/// plogp(x0 + d) for many steps d around one x0: for |d| <= 2^-9 x0 a series in t = d / x0
/// replaces the logarithm (log2(x0 + d) = log2(x0) + ln(1 + t) / ln 2, ln(1 + t) to t^5, error
/// below 2^-56); longer steps fall back to plogp.
class PlogpAround {
public:
    PlogpAround() noexcept : PlogpAround(0.0) {}
    explicit PlogpAround(double x0) noexcept
        : x0_(x0), inv_(x0 > 0.0 ? 1.0 / x0 : HUGE_VAL), log2_(x0 > 0.0 ? fast_log2(x0) : 0.0) {}
    double operator()(double d) const noexcept {
        const double t = d * inv_;
        if (!(std::abs(t) <= 0x1p-9)) return plogp(x0_ + d);  // also catches x0 <= 0 (t = inf or nan)
        const double ln1p = t * (1.0 - t * (0.5 - t * (1.0 / 3 - t * (0.25 - t * 0.2))));
        return (x0_ + d) * (log2_ + ln1p * kInvLn2);
    }
    /// plogp(x0).
    double at_zero() const noexcept { return x0_ > 0.0 ? x0_ * log2_ : 0.0; }
    /// The derivative of plogp at x0, log2(x0) + 1 / ln 2: by convexity
    /// plogp(x0 + d) >= plogp(x0) + d * slope() (NaN for x0 <= 0, where it has no slope).
    double slope() const noexcept {
        return x0_ > 0.0 ? log2_ + kInvLn2 : std::numeric_limits<double>::quiet_NaN();
    }

private:
    double x0_, inv_, log2_;
};

/// Throws std::invalid_argument (ValueError in Python) unless `ok`.
inline void require(bool ok, const char* message) {  // no string is built unless it throws
    if (!ok) throw std::invalid_argument(message);
}
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

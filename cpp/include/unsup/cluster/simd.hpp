// Fixed-width vectors for the clustering kernels: 64 bytes (16 floats or 8 doubles), GCC/Clang
// vector extensions. One source serves every build of a `<family>_kernels.inc`: with AVX-512 a
// Vec<T> is one zmm register, with AVX2 two ymm, on the baseline four xmm.
//
// Everything here has internal linkage (anonymous namespace): the same inline function compiled for
// AVX-512 in one file and for the baseline in another must never be merged by the linker.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

namespace unsup::cluster {
namespace {

template <class T>
using Vec __attribute__((vector_size(64))) = T;

/// The integer vector of the same lane count and width as Vec<T> (comparison results).
template <class T>
struct MaskOf;
template <>
struct MaskOf<float> { using type __attribute__((vector_size(64))) = std::int32_t; };
template <>
struct MaskOf<double> { using type __attribute__((vector_size(64))) = std::int64_t; };
template <class T>
using Mask = typename MaskOf<T>::type;

template <class T>
constexpr int kLanes = static_cast<int>(64 / sizeof(T));

template <class T>
inline Vec<T> load(const T* p) {
    Vec<T> v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Vec<T> in a non-deduced context: store(p, v) takes T from p alone.
template <class T>
struct VecOf {
    using type __attribute__((vector_size(64))) = T;
};
template <class T>
using VecArg = typename VecOf<T>::type;

template <class T>
inline void store(T* p, const VecArg<T>& v) {
    std::memcpy(p, &v, sizeof v);
}

template <class T>
inline Vec<T> broadcast(T x) {
    return x - Vec<T>{};  // x − (+0) = x exactly, so this folds to one broadcast (x + 0 would not: −0)
}

/// Lanes [0, n) from p, the rest `fill` (n <= kLanes<T>).
template <class T>
inline Vec<T> load_partial(const T* p, int n, T fill = T(0)) {
    alignas(64) T buf[kLanes<T>];
    for (int i = 0; i < kLanes<T>; ++i) buf[i] = i < n ? p[i] : fill;
    return load(buf);
}

template <class T>
inline void store_partial(T* p, const VecArg<T>& v, int n) {
    alignas(64) T buf[kLanes<T>];
    store(buf, v);
    for (int i = 0; i < n; ++i) p[i] = buf[i];
}

/// One vector as a struct: containers of vectors (std::vector<Vec<T>> would drop the vector
/// attribute of its template argument).
template <class T>
struct alignas(64) VecBox {
    Vec<T> v;
};

/// The lane type of a vector type V.
template <class V>
using LaneOf = std::remove_cv_t<std::remove_reference_t<decltype(std::declval<V>()[0])>>;

template <class V>
inline LaneOf<V> reduce_add(const V& v) {
    LaneOf<V> s = 0;
    for (int i = 0; i < kLanes<LaneOf<V>>; ++i) s += v[i];
    return s;
}

template <class V>
inline LaneOf<V> reduce_max(const V& v) {
    LaneOf<V> m = v[0];
    for (int i = 1; i < kLanes<LaneOf<V>>; ++i) m = v[i] > m ? v[i] : m;
    return m;
}

/// Every lane set to the maximum (allreduce_max) or minimum (allreduce_min) over the lanes: log2
/// lanes butterfly steps (lane i meets lane i ^ s), no scalar extraction.
template <class V>
inline V allreduce_max(V v) {
    using I = Mask<LaneOf<V>>;
    constexpr int L = kLanes<LaneOf<V>>;
    for (int s = L / 2; s >= 1; s /= 2) {
        I perm;
        for (int i = 0; i < L; ++i) perm[i] = i ^ s;
        const V other = __builtin_shuffle(v, perm);
        v = v > other ? v : other;
    }
    return v;
}

template <class I>
inline I allreduce_min_index(I v) {
    constexpr int L = static_cast<int>(sizeof(I) / sizeof(v[0]));
    for (int s = L / 2; s >= 1; s /= 2) {
        I perm;
        for (int i = 0; i < L; ++i) perm[i] = i ^ s;
        const I other = __builtin_shuffle(v, perm);
        v = v < other ? v : other;
    }
    return v;
}

template <class V>
inline V vmin(const V& a, const V& b) {
    return a < b ? a : b;
}

template <class V>
inline V vmax(const V& a, const V& b) {
    return a > b ? a : b;
}

/// e^x lane by lane, relative error below 3e-7 (float) / 2e-16 (double) for x in the normal
/// range; e^x underflows to 0 below about -87 (float) / -708 (double) and x = -inf gives 0. Lanes
/// above the overflow limit give +inf. NaN lanes give NaN.
/// e^x = 2^n e^r with n = round(x / ln 2), r = x - n ln 2 (two-part ln 2), e^r by its Taylor series.
template <class V>
inline V vexp(V x) {
    using T = LaneOf<V>;
    using I = Mask<T>;
    constexpr bool single = sizeof(T) == 4;
    const T hi = single ? T(88.3762626647949) : T(709.782712893384);
    const T lo = single ? T(-87.3365447505531) : T(-708.396418532264);
    const Vec<T> xc = vmax(vmin(x, broadcast(hi)), broadcast(lo));
    const Vec<T> n = __builtin_convertvector(
        __builtin_convertvector(xc * T(1.44269504088896340736) + (xc < 0 ? T(-0.5) : T(0.5)) , I), Vec<T>);
    const T ln2_hi = single ? T(0.693359375) : T(0.693147180369123816490);
    const T ln2_lo = single ? T(-2.12194440e-4) : T(1.90821492927058770002e-10);
    const Vec<T> r = (xc - n * ln2_hi) - n * ln2_lo;
    Vec<T> p;
    if constexpr (single) {
        // |r| <= ln2 / 2: degree 6 is enough for float.
        p = broadcast(T(1.0 / 720));
        p = p * r + T(1.0 / 120);
        p = p * r + T(1.0 / 24);
        p = p * r + T(1.0 / 6);
        p = p * r + T(0.5);
        p = p * r + T(1);
        p = p * r + T(1);
    } else {
        p = broadcast(T(1.0 / 6227020800.0));
        p = p * r + T(1.0 / 479001600.0);
        p = p * r + T(1.0 / 39916800.0);
        p = p * r + T(1.0 / 3628800.0);
        p = p * r + T(1.0 / 362880.0);
        p = p * r + T(1.0 / 40320.0);
        p = p * r + T(1.0 / 5040.0);
        p = p * r + T(1.0 / 720.0);
        p = p * r + T(1.0 / 120.0);
        p = p * r + T(1.0 / 24.0);
        p = p * r + T(1.0 / 6.0);
        p = p * r + T(0.5);
        p = p * r + T(1);
        p = p * r + T(1);
    }
    // 2^n: n's bits moved into the exponent field. n is within [-126, 128] (float) / [-1022, 1024]
    // (double) after the clamp; build 2^n as the product of two halves so neither overflows.
    const I ni = __builtin_convertvector(n, I);
    const I half = ni >> 1;
    constexpr int mant = single ? 23 : 52;
    constexpr std::int64_t bias = single ? 127 : 1023;
    const I e1 = (half + static_cast<LaneOf<I>>(bias)) << mant;
    const I e2 = (ni - half + static_cast<LaneOf<I>>(bias)) << mant;
    Vec<T> s1, s2;
    std::memcpy(&s1, &e1, sizeof s1);
    std::memcpy(&s2, &e2, sizeof s2);
    Vec<T> y = p * s1 * s2;
    y = x < lo ? Vec<T>{} : y;
    y = x > hi ? broadcast(std::numeric_limits<T>::infinity()) : y;
    y = x != x ? x : y;
    return y;
}

}  // namespace
}  // namespace unsup::cluster

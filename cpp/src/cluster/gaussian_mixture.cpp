// Orchestration of the Gaussian-mixture pass: padded parameters, the fixed chunk grid, tiles of
// rows converted to float64, per-chunk statistics reduced in chunk order (see the header).
#include "unsup/cluster/gaussian_mixture.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gaussian_mixture_kernels.hpp"
#include "unsup/parallel.hpp"

namespace unsup::cluster {

UNSUP_ISA_DECLARE(const GmmKernels& gmm_kernels())

namespace {

using i64 = std::int64_t;

constexpr i64 kChunkRows = 1024;
constexpr double kLog2Pi = 1.8378770664093454836;

i64 round_up(i64 x, i64 m) { return (x + m - 1) / m * m; }

const GmmKernels& kernels() {
    static const GmmKernels& table = UNSUP_ISA_PICK(gmm_kernels());
    return table;
}

/// Rows per tile, a multiple of 32 (fixed by the shapes, never by n_jobs): the row-major tile
/// near 32 KiB (diag) or 64 KiB (full, whose tile is also kept transposed for the E-step).
i64 tile_rows(GmmCovariance cov, i64 dp) {
    if (cov == GmmCovariance::diag) return std::clamp<i64>((4096 / dp) / 32 * 32, 32, 128);
    return std::clamp<i64>((8192 / dp) / 32 * 32, 32, 256);
}

// ---------------------------------------------------------------- reading rows of X
template <class T>
void fill_dense(const GmmData& x, i64 row0, i64 rows, i64 dp, double* tile) {
    const T* base = static_cast<const T*>(x.values);
    const i64 d = x.n_cols;
    for (i64 i = 0; i < rows; ++i) {
        const T* src = base + (row0 + i) * x.row_stride;
        double* dst = tile + i * dp;
        if (x.col_stride == 1) {
            for (i64 c = 0; c < d; ++c) dst[c] = static_cast<double>(src[c]);
        } else {
            for (i64 c = 0; c < d; ++c) dst[c] = static_cast<double>(src[c * x.col_stride]);
        }
        for (i64 c = d; c < dp; ++c) dst[c] = 0.0;
    }
}

template <class T, class I>
void fill_csr(const GmmData& x, i64 row0, i64 rows, i64 dp, double* tile) {
    const T* values = static_cast<const T*>(x.values);
    const I* indptr = static_cast<const I*>(x.indptr);
    const I* indices = static_cast<const I*>(x.indices);
    std::fill(tile, tile + rows * dp, 0.0);
    for (i64 i = 0; i < rows; ++i) {
        double* dst = tile + i * dp;
        for (i64 e = indptr[row0 + i]; e < static_cast<i64>(indptr[row0 + i + 1]); ++e)
            dst[indices[e]] += static_cast<double>(values[e]);  // duplicates add, like scipy
    }
}

/// Rows [row0, row0 + valid) of X into the tile (float64, dp wide), rows up to `rows` zero.
void fill_tile(const GmmData& x, i64 row0, i64 valid, i64 rows, i64 dp, double* tile) {
    if (x.sparse) {
        if (x.single)
            x.wide_index ? fill_csr<float, i64>(x, row0, valid, dp, tile)
                         : fill_csr<float, std::int32_t>(x, row0, valid, dp, tile);
        else
            x.wide_index ? fill_csr<double, i64>(x, row0, valid, dp, tile)
                         : fill_csr<double, std::int32_t>(x, row0, valid, dp, tile);
    } else if (x.single) {
        fill_dense<float>(x, row0, valid, dp, tile);
    } else {
        fill_dense<double>(x, row0, valid, dp, tile);
    }
    std::fill(tile + valid * dp, tile + rows * dp, 0.0);
}

template <class I>
void validate_csr(const GmmData& x, const std::string& name) {
    const I* indptr = static_cast<const I*>(x.indptr);
    const I* indices = static_cast<const I*>(x.indices);
    require(indptr[0] == 0, name + ": indptr must start at 0");
    for (i64 r = 0; r < x.n_rows; ++r)
        require(indptr[r] <= indptr[r + 1], name + ": indptr must be non-decreasing");
    for (i64 e = 0; e < static_cast<i64>(indptr[x.n_rows]); ++e)
        require(indices[e] >= 0 && static_cast<i64>(indices[e]) < x.n_cols,
                name + ": column index " + std::to_string(static_cast<i64>(indices[e])) + " out of range");
}

// ---------------------------------------------------------------- padded parameters
struct Prepared {
    GmmCovariance cov;
    i64 k, d, kp, dp;
    bool estep;
    std::vector<double> mu;   // diag: μ p, k × d; full: μ U, k × dp
    std::vector<double> pc;   // diag: p, k × d; full: U, k × dp × dp
    std::vector<double> cst;  // kp: log π_j + Σ log diag U_j − (d/2) log 2π; padding −inf
};

Prepared prepare(const GmmModelView& m, bool estep) {
    require(m.covariance == GmmCovariance::diag || m.covariance == GmmCovariance::full,
            "covariance_type: must be 'full' or 'diag'");
    require(m.k >= 1 && m.d >= 1, "n_components and n_features must be at least 1");
    Prepared p{m.covariance, m.k, m.d, round_up(m.k, 8), round_up(m.d, 8), estep, {}, {}, {}};
    if (!estep) return p;
    const i64 k = p.k, d = p.d, kp = p.kp, dp = p.dp;
    p.cst.assign(kp, -std::numeric_limits<double>::infinity());
    for (i64 j = 0; j < k; ++j) {
        const double lw = m.log_weights[j];
        require(!std::isnan(lw) && lw < std::numeric_limits<double>::infinity(),
                "weights: log weights must be finite or -inf");
        for (i64 c = 0; c < d; ++c)
            require(std::isfinite(m.means[j * d + c]), "means: must be finite");
    }
    if (m.covariance == GmmCovariance::diag) {
        p.mu.assign(k * d, 0.0);
        p.pc.assign(k * d, 0.0);
        for (i64 j = 0; j < k; ++j) {
            double logdet = 0.0;
            for (i64 c = 0; c < d; ++c) {
                const double v = m.prec_chol[j * d + c];
                require(std::isfinite(v) && v > 0.0, "precisions_cholesky: must be finite and positive");
                p.mu[j * d + c] = m.means[j * d + c] * v;
                p.pc[j * d + c] = v;
                logdet += std::log(v);
            }
            p.cst[j] = m.log_weights[j] + logdet - 0.5 * static_cast<double>(d) * kLog2Pi;
        }
    } else {
        p.mu.assign(k * dp, 0.0);
        p.pc.assign(k * dp * dp, 0.0);
        for (i64 j = 0; j < k; ++j) {
            double logdet = 0.0;
            const double* u = m.prec_chol + j * d * d;
            for (i64 r = 0; r < d; ++r) {
                const double diag = u[r * d + r];
                require(std::isfinite(diag) && diag > 0.0,
                        "precisions_cholesky: the diagonal must be finite and positive");
                logdet += std::log(diag);
                for (i64 c = r; c < d; ++c) {  // upper triangle only
                    require(std::isfinite(u[r * d + c]), "precisions_cholesky: must be finite");
                    p.pc[(j * dp + r) * dp + c] = u[r * d + c];
                }
            }
            p.cst[j] = m.log_weights[j] + logdet - 0.5 * static_cast<double>(d) * kLog2Pi;
            for (i64 c = 0; c < d; ++c) {  // μ U, column by column, in order of r
                double acc = 0.0;
                for (i64 r = 0; r <= c; ++r) acc += m.means[j * d + r] * u[r * d + c];
                p.mu[j * dp + c] = acc;
            }
        }
    }
    return p;
}

/// Scratch of one worker: the row-major tile (rows × dp), its transpose for "full" (dp × rows),
/// log-probabilities / responsibilities (diag: rows × kp; full: k × rows), M-step buffers.
struct Scratch {
    std::vector<double> tile, xt, a, b, logp, w, w2;
    std::vector<i64> idx;
    void reserve(i64 rows, i64 dp, i64 kp) {
        idx.resize(rows);
        w2.resize(rows);
        tile.resize(rows * dp);
        xt.resize(rows * dp);
        a.resize(rows * dp);
        b.resize(rows * dp);
        logp.resize(rows * kp);
        w.resize(std::max<i64>(rows, 64));
    }
};

/// Rows of a tile, padded to a multiple of 32 (four row vectors per block of the E-step).
i64 padded_rows(i64 valid) { return round_up(valid, 32); }

/// s.xt (dp × rows) = the tile transposed, rows d..dp zero.
void transpose_tile(const Prepared& p, i64 rows, Scratch& s) {
    for (i64 i0 = 0; i0 < rows; i0 += 8)
        for (i64 c = 0; c < p.d; ++c)
            for (i64 i = i0; i < i0 + 8; ++i) s.xt[c * rows + i] = s.tile[i * p.dp + c];
    std::fill(s.xt.begin() + p.d * rows, s.xt.begin() + p.dp * rows, 0.0);
}

/// Rows [row0, row0 + valid) of X into s.tile and, when `transposed`, s.xt (zero padded).
void load_rows(const GmmData& x, const Prepared& p, i64 row0, i64 valid, i64 rows, bool transposed, Scratch& s) {
    if (transposed && !x.sparse && x.col_stride == 1) {
        const std::size_t item = x.single ? 4 : 8;
        const char* base = static_cast<const char*>(x.values) + static_cast<std::size_t>(row0 * x.row_stride) * item;
        kernels().load_tile(base, x.single, x.row_stride, valid, rows, p.d, p.dp, s.tile.data(), s.xt.data());
        return;
    }
    fill_tile(x, row0, valid, rows, p.dp, s.tile.data());
    if (transposed) transpose_tile(p, rows, s);
}

/// The E-step of one tile (after transpose_tile): log π_j + log N_ij into s.logp, transposed
/// (k rows of `rows`).
void tile_log_prob(const Prepared& p, i64 rows, Scratch& s) {
    const GmmKernels& kern = kernels();
    if (p.cov == GmmCovariance::diag) {
        kern.diag_logp(s.xt.data(), rows, rows, p.d, p.k, p.mu.data(), p.pc.data(), p.cst.data(), s.logp.data());
        return;
    }
    for (i64 j = 0; j < p.k; ++j)
        kern.full_logp(s.xt.data(), rows, rows, p.d, p.dp, p.pc.data() + j * p.dp * p.dp, p.mu.data() + j * p.dp,
                       p.cst[j], s.logp.data() + j * rows);
}

/// One chunk's statistics (padded layout) in a buffer of its own.
struct ChunkStats {
    std::vector<double> nk, s1, s2;
    double log_likelihood = 0.0;
    void reset(const Prepared& p) {
        const bool diag = p.cov == GmmCovariance::diag;  // diag: kp rows (blocks of 4 components)
        nk.assign(diag ? p.kp : p.k, 0.0);
        s1.assign((diag ? p.kp : p.k) * p.dp, 0.0);
        s2.assign(diag ? p.kp * p.dp : p.k * p.dp * p.dp, 0.0);
        log_likelihood = 0.0;
    }
};

void check_data(const GmmData& x, const Prepared& p) {
    require(x.n_cols == p.d, "X: expected " + std::to_string(p.d) + " features, got " + std::to_string(x.n_cols));
    require(x.n_rows >= 0, "X: negative number of rows");
}

}  // namespace

std::int64_t gmm_chunk_rows() { return kChunkRows; }

void GmmData::validate(const char* name) const {
    require(n_rows >= 0 && n_cols >= 1, std::string(name) + ": needs at least one feature");
    require(values != nullptr || n_rows == 0 || sparse, std::string(name) + ": missing values");
    if (!sparse || n_rows == 0) return;
    if (wide_index)
        validate_csr<i64>(*this, name);
    else
        validate_csr<std::int32_t>(*this, name);
}

void gmm_accumulate(const GmmData& x, const GmmModelView& model, const GmmResponsibilities& resp,
                    const GmmStatsView& stats, int n_jobs, const StopToken& stop) {
    const bool estep = resp.source == GmmResponsibilities::Source::estep;
    const Prepared p = prepare(model, estep);
    check_data(x, p);
    const i64 k = p.k, d = p.d, kp = p.kp, dp = p.dp, n = x.n_rows;
    const bool diag = p.cov == GmmCovariance::diag;
    if (resp.source == GmmResponsibilities::Source::labels)
        for (i64 i = 0; i < n; ++i)
            require(resp.labels[i] >= 0 && resp.labels[i] < k, "labels: must be in [0, n_components)");
    // The shift, padded: diag one vector (dp), full one per component (k × dp).
    std::vector<double> shift(diag ? dp : k * dp, 0.0);
    for (i64 j = 0; j < (diag ? 1 : k); ++j)
        for (i64 c = 0; c < d; ++c) {
            require(std::isfinite(stats.shift[j * d + c]), "shift: must be finite");
            shift[j * dp + c] = stats.shift[j * d + c];
        }

    const i64 n_chunks = (n + kChunkRows - 1) / kChunkRows;
    if (n_chunks == 0) return;
    const i64 rows_per_tile = tile_rows(p.cov, dp);
    // Chunk buffers live for one round of chunks. The round size depends on the shapes only
    // (never on n_jobs): at most max(4 MiB, 3% of X) of statistics buffers, 1 to 64 chunks.
    const double slot_bytes = 8.0 * static_cast<double>(kp + kp * dp + (diag ? kp * dp : k * dp * dp));
    const double x_bytes = static_cast<double>(n) * static_cast<double>(d) * (x.single ? 4.0 : 8.0);
    const double budget = std::max(4.0 * (1 << 20), 0.03 * x_bytes);
    const i64 round = std::clamp<i64>(static_cast<i64>(budget / slot_bytes), 1, std::min<i64>(64, n_chunks));
    std::vector<ChunkStats> slots(static_cast<std::size_t>(round));
    const int workers = std::min<int>(resolve_n_jobs(n_jobs), static_cast<int>(round));
    std::vector<Scratch> scratch(static_cast<std::size_t>(std::max(workers, 1)));
    const GmmKernels& kern = kernels();

    auto run_chunk = [&](i64 chunk, ChunkStats& out, Scratch& s) {
        stop.check();
        s.reserve(rows_per_tile, dp, kp);
        out.reset(p);
        const i64 end = std::min(n, (chunk + 1) * kChunkRows);
        for (i64 row0 = chunk * kChunkRows; row0 < end; row0 += rows_per_tile) {
            const i64 valid = std::min(rows_per_tile, end - row0);
            const i64 rows = padded_rows(valid);
            load_rows(x, p, row0, valid, rows, estep, s);
            double* r = s.logp.data();  // responsibilities, transposed: r[j * rows + i]
            switch (resp.source) {
                case GmmResponsibilities::Source::estep:
                    tile_log_prob(p, rows, s);
                    out.log_likelihood += kern.normalise_t(r, rows, valid, rows, k);
                    std::fill(r + k * rows, r + kp * rows, 0.0);
                    break;
                case GmmResponsibilities::Source::dense:
                    std::fill(r, r + rows * kp, 0.0);
                    for (i64 i = 0; i < valid; ++i)
                        for (i64 j = 0; j < k; ++j) r[j * rows + i] = resp.dense[(row0 + i) * k + j];
                    break;
                case GmmResponsibilities::Source::labels:
                    std::fill(r, r + rows * kp, 0.0);
                    for (i64 i = 0; i < valid; ++i) r[resp.labels[row0 + i] * rows + i] = 1.0;
                    break;
            }
            if (diag) {
                kern.diag_accumulate(s.tile.data(), valid, dp, k, r, rows, shift.data(), s.a.data(), s.b.data(),
                                     s.idx.data(), s.w2.data(), out.nk.data(), out.s1.data(), out.s2.data());
            } else {
                for (i64 j = 0; j < k; ++j)
                    kern.full_accumulate(s.tile.data(), valid, d, dp, r + j * rows, shift.data() + j * dp,
                                         s.a.data(), s.w.data(), s.b.data(), out.nk.data() + j,
                                         out.s1.data() + j * dp,
                                         out.s2.data() + j * dp * dp);
            }
        }
    };

    for (i64 first = 0; first < n_chunks; first += round) {
        const i64 count = std::min(round, n_chunks - first);
        parallel_for_workers(static_cast<std::size_t>(count), workers, [&](std::size_t i, std::size_t w) {
            run_chunk(first + static_cast<i64>(i), slots[i], scratch[w]);
        });
        // Reduce in chunk order into the caller's totals (unpadded; full: upper triangle).
        for (i64 i = 0; i < count; ++i) {
            const ChunkStats& c = slots[static_cast<std::size_t>(i)];
            if (estep) *stats.log_likelihood += c.log_likelihood;
            for (i64 j = 0; j < k; ++j) {
                stats.nk[j] += c.nk[j];
                for (i64 a = 0; a < d; ++a) stats.s1[j * d + a] += c.s1[j * dp + a];
                if (diag) {
                    for (i64 a = 0; a < d; ++a) stats.s2[j * d + a] += c.s2[j * dp + a];
                } else {
                    for (i64 a = 0; a < d; ++a)
                        for (i64 b = a; b < d; ++b) stats.s2[(j * d + a) * d + b] += c.s2[(j * dp + a) * dp + b];
                }
            }
        }
    }
    if (!diag)  // mirror the upper triangle
        for (i64 j = 0; j < k; ++j)
            for (i64 a = 0; a < d; ++a)
                for (i64 b = a + 1; b < d; ++b) stats.s2[(j * d + b) * d + a] = stats.s2[(j * d + a) * d + b];
}

void gmm_weighted_log_prob(const GmmData& x, const GmmModelView& model, double* out, int n_jobs,
                           const StopToken& stop) {
    const Prepared p = prepare(model, true);
    check_data(x, p);
    const i64 k = p.k, kp = p.kp, dp = p.dp, n = x.n_rows;
    const i64 n_chunks = (n + kChunkRows - 1) / kChunkRows;
    if (n_chunks == 0) return;
    const i64 rows_per_tile = tile_rows(p.cov, dp);
    const int workers = std::min<int>(resolve_n_jobs(n_jobs), static_cast<int>(std::min<i64>(n_chunks, kMaxThreads)));
    std::vector<Scratch> scratch(static_cast<std::size_t>(std::max(workers, 1)));
    parallel_for_workers(static_cast<std::size_t>(n_chunks), workers, [&](std::size_t chunk, std::size_t w) {
        stop.check();
        Scratch& s = scratch[w];
        s.reserve(rows_per_tile, dp, kp);
        const i64 end = std::min(n, (static_cast<i64>(chunk) + 1) * kChunkRows);
        for (i64 row0 = static_cast<i64>(chunk) * kChunkRows; row0 < end; row0 += rows_per_tile) {
            const i64 valid = std::min(rows_per_tile, end - row0);
            const i64 rows = padded_rows(valid);
            load_rows(x, p, row0, valid, rows, true, s);
            tile_log_prob(p, rows, s);
            for (i64 i = 0; i < valid; ++i)
                for (i64 j = 0; j < k; ++j) out[(row0 + i) * k + j] = s.logp[j * rows + i];
        }
    });
}

}  // namespace unsup::cluster

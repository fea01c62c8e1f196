// ParallelFor over std::thread: the calling thread works too, the first exception is re-thrown.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace unsup {

/// Number of worker threads for `n_jobs` (scikit-learn convention: None/0 -> 1, -1 -> all cores).
/// At most kMaxThreads (each thread may hold buffers of its own).
constexpr int kMaxThreads = 1024;
inline int resolve_n_jobs(int n_jobs) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (n_jobs < 0) return std::max(1, cores + 1 + n_jobs);
    return std::clamp(n_jobs, 1, kMaxThreads);
}

/// Calls fn(i, worker) for every i in [0, n_items) on up to `n_jobs` threads, `worker` in
/// [0, n_jobs) naming the thread that runs the item (0: the caller), so that a worker can add
/// into buffers of its own. Items are handed out dynamically (a thread slowed down by another
/// process does fewer of them): results must not depend on which worker ran what. After all
/// threads have joined, the first exception thrown by any item is re-thrown in the caller;
/// items not started yet are skipped once one has failed.
template <class Fn>
void parallel_for_workers(std::size_t n_items, int n_jobs, Fn&& fn) {
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(resolve_n_jobs(n_jobs)), n_items);
    if (workers <= 1) {
        for (std::size_t i = 0; i < n_items; ++i) fn(i, std::size_t{0});
        return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto work = [&](std::size_t worker) {
        while (!failed.load(std::memory_order_relaxed)) {
            const std::size_t i = next.fetch_add(1);
            if (i >= n_items) return;
            try {
                fn(i, worker);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!first_error) first_error = std::current_exception();
                failed.store(true);
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    try {
        for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
    } catch (...) {  // no thread could be started: the ones running stop, then the error goes up
        failed.store(true);
        for (auto& t : threads) t.join();
        throw;
    }
    work(0);  // the caller works too, so it can answer interruption probes
    for (auto& t : threads) t.join();
    if (first_error) std::rethrow_exception(first_error);
}

/// Calls fn(i) for every i in [0, n_items) on up to `n_jobs` threads (see parallel_for_workers).
template <class Fn>
void parallel_for(std::size_t n_items, int n_jobs, Fn&& fn) {
    parallel_for_workers(n_items, n_jobs, [&](std::size_t i, std::size_t) { fn(i); });
}

}  // namespace unsup

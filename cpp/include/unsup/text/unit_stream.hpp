// The corpus as unit ids, spilled to a temporary file, for the passes after the first.
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/parallel.hpp"
#include "unsup/temporary_file.hpp"
#include "unsup/text/unit_reader.hpp"

namespace unsup::text {

/// Unit ids of the whole corpus, runs ended by kBoundary, appended during the first pass and
/// read back by later ones instead of decoding the text again. It lives in an anonymous
/// temporary file (in $TMPDIR, or /tmp), written and read in blocks, so it costs
/// disk and page cache rather than the process's memory (unless the temporary directory is a
/// tmpfs): 4 bytes per unit.
class UnitStream {
public:
    UnitStream() = default;
    UnitStream(const UnitStream&) = delete;
    UnitStream& operator=(const UnitStream&) = delete;
    ~UnitStream() {
        if (file_ != nullptr) std::fclose(file_);
    }

    void append(const unit_t* ids, std::size_t n) {
        if (n == 0) return;
        std::lock_guard<std::mutex> lock(mutex_);
        if (file_ == nullptr) file_ = open_temporary_file();
        if (std::fwrite(ids, sizeof(unit_t), n, file_) != n)
            throw std::runtime_error("cannot write the unit stream to its temporary file (disk full?)");
        size_ += n;
    }

    std::uint64_t size() const { return size_; }

    /// Calls `consume(ids, n)` on consecutive blocks of whole runs (each ends with kBoundary).
    /// Replays of one stream from several threads take turns (the file has one position).
    template <class Consume>
    void replay(Consume&& consume, const StopToken& stop) const {
        std::lock_guard<std::mutex> lock(mutex_);
        if (size_ == 0) return;
        if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
            throw std::runtime_error("cannot rewind the unit stream");
        struct AtEnd {  // however the replay ends, appends go on at the end of the file
            std::FILE* file;
            ~AtEnd() { std::fseek(file, 0, SEEK_END); }
        } at_end{file_};
        std::vector<unit_t> block(kBlock);
        std::size_t held = 0;  // ids carried over: the start of an unfinished run
        std::uint64_t left = size_;
        while (left > 0) {
            stop.check();
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size() - held));
            if (std::fread(block.data() + held, sizeof(unit_t), want, file_) != want)
                throw std::runtime_error("cannot read the unit stream back");
            left -= want;
            std::size_t n = held + want;
            std::size_t end = n;  // one past the last boundary
            while (end > 0 && block[end - 1] != kBoundary) --end;
            if (end == 0) {  // a run longer than a block: grow the block
                block.resize(block.size() * 2);
                held = n;
                continue;
            }
            consume(block.data(), end);
            held = n - end;
            std::copy(block.begin() + static_cast<std::ptrdiff_t>(end), block.begin() + static_cast<std::ptrdiff_t>(n),
                      block.begin());
        }
        if (held > 0) throw std::runtime_error("the unit stream ends inside a run (corrupt temporary file)");
    }

    /// Pieces per thread when a block is shared out: threads take them one at a time, so one
    /// slowed down by another process (or by the decoding) does not hold the others up.
    static constexpr std::size_t kPiecesPerThread = 4;

    /// Splits `ids[0, n)` (whole runs) into at most `parts` consecutive pieces of whole runs of
    /// about equal size; returns the piece boundaries (first 0, last n).
    static std::vector<std::size_t> split_runs(const unit_t* ids, std::size_t n, std::size_t parts) {
        std::vector<std::size_t> cut{0};
        for (std::size_t p = 1; p < parts; ++p) {
            std::size_t at = std::max(cut.back(), n * p / parts);
            while (at < n && (at == 0 || ids[at - 1] != kBoundary)) ++at;  // after a boundary
            if (at >= n) break;  // the last run reaches the end: no later cut can be placed
            if (at > cut.back()) cut.push_back(at);
        }
        cut.push_back(n);
        return cut;
    }

private:
    static constexpr std::size_t kBlock = std::size_t{1} << 18;
    std::FILE* file_ = nullptr;
    std::uint64_t size_ = 0;
    mutable std::mutex mutex_;  // the file position
};

/// Replays `stream` on `jobs` threads: each block of whole runs is cut into pieces, which the
/// threads take one at a time, calling `count(worker, ids, n)` (worker in [0, jobs), 0 being the
/// caller): a worker that adds into buffers of its own needs no lock. `after_block()` runs on
/// the caller between blocks (to spill, for example).
template <class Count, class AfterBlock>
void replay_in_pieces(const UnitStream& stream, std::size_t jobs, Count&& count, AfterBlock&& after_block,
                      const StopToken& stop) {
    stream.replay(
        [&](const unit_t* u, std::size_t n) {
            if (jobs <= 1) {  // one thread: the whole block at once
                count(std::size_t{0}, u, n);
                after_block();
                return;
            }
            const std::vector<std::size_t> cut = UnitStream::split_runs(u, n, UnitStream::kPiecesPerThread * jobs);
            parallel_for_workers(cut.size() - 1, static_cast<int>(jobs), [&](std::size_t p, std::size_t w) {
                count(w, u + cut[p], cut[p + 1] - cut[p]);
            });
            after_block();
        },
        stop);
}

}  // namespace unsup::text

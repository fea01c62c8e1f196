// The corpus as unit ids, spilled to a temporary file, for the passes after the first.
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "unsup/common.hpp"
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
        if (file_ == nullptr) {
            file_ = open_temporary_file();
        }
        if (std::fwrite(ids, sizeof(unit_t), n, file_) != n)
            throw std::runtime_error("cannot write the unit stream to its temporary file (disk full?)");
        size_ += n;
    }

    std::uint64_t size() const { return size_; }

    /// Calls `consume(ids, n)` on consecutive blocks of whole runs (each ends with kBoundary).
    template <class Consume>
    void replay(Consume&& consume, const StopToken& stop) const {
        if (size_ == 0) return;
        if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
            throw std::runtime_error("cannot rewind the unit stream");
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
        if (held > 0) consume(block.data(), held);
        std::fseek(file_, 0, SEEK_END);
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
            if (at > cut.back() && at < n) cut.push_back(at);
        }
        cut.push_back(n);
        return cut;
    }

private:
    static constexpr std::size_t kBlock = std::size_t{1} << 18;
    std::FILE* file_ = nullptr;
    std::uint64_t size_ = 0;
};

}  // namespace unsup::text

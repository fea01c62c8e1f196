#include "unsup/text/count_spill.hpp"

#include <algorithm>
#include <stdexcept>

#include "unsup/common.hpp"
#include "unsup/temporary_file.hpp"

namespace unsup::text {

namespace {
constexpr std::size_t kBufferWords = std::size_t{1} << 14;  // 64 KiB per partition and write
}

CountSpill::CountSpill(std::size_t parts) : files_(parts, nullptr) {
    require(parts >= 1 && parts <= 4096, "spill partitions must be in [1, 4096]");
}

CountSpill::~CountSpill() { clear(); }

void CountSpill::clear() {
    for (std::FILE*& file : files_) {
        if (file != nullptr) std::fclose(file);
        file = nullptr;
    }
    bytes_ = 0;
}

void CountSpill::write(std::size_t part, std::vector<unit_t>& buffer) {
    if (buffer.empty()) return;
    std::FILE*& file = files_[part];
    if (file == nullptr) file = open_temporary_file();
    if (std::fwrite(buffer.data(), sizeof(unit_t), buffer.size(), file) != buffer.size())
        throw std::runtime_error("cannot write spilled counts to a temporary file (disk full?)");
    bytes_ += buffer.size() * sizeof(unit_t);
    written_ += buffer.size() * sizeof(unit_t);
    buffer.clear();
}

void CountSpill::spill(NgramTable& table) {
    if (table.size() == 0) return;
    const int k = table.k();
    std::vector<std::vector<unit_t>> buffers(files_.size());
    for (std::size_t slot = 0; slot < table.capacity(); ++slot) {
        const std::uint64_t c = table.count_at(slot);
        if (c == 0) continue;
        const unit_t* key = table.key_at(slot);
        const std::size_t part = part_of(key, k);
        std::vector<unit_t>& buffer = buffers[part];
        buffer.push_back(static_cast<unit_t>(k));
        buffer.push_back(static_cast<unit_t>(c));
        buffer.push_back(static_cast<unit_t>(c >> 32));
        buffer.insert(buffer.end(), key, key + k);
        if (buffer.size() >= kBufferWords) write(part, buffer);
    }
    for (std::size_t part = 0; part < files_.size(); ++part) write(part, buffers[part]);
    table.clear();
}

bool CountSpill::spill_if_over(std::size_t budget, const std::vector<std::vector<NgramTable>*>& groups, int first_k) {
    if (budget == 0) return false;
    std::size_t bytes = 0;
    for (const auto* tables : groups) bytes += tables_memory(*tables, first_k);
    if (3 * bytes <= budget) return false;
    for (auto* tables : groups) spill_all(*tables, first_k);
    return true;
}

void CountSpill::spill_all(std::vector<NgramTable>& tables, int first_k) {
    for (std::size_t k = static_cast<std::size_t>(std::max(first_k, 1)); k <= tables.size(); ++k) spill(tables[k - 1]);
}

void CountSpill::load(std::size_t part, std::vector<NgramTable>& tables) const {
    require(part < files_.size(), "spill partition out of range");
    std::FILE* file = files_[part];
    if (file == nullptr) return;
    if (std::fflush(file) != 0 || std::fseek(file, 0, SEEK_SET) != 0)
        throw std::runtime_error("cannot rewind a spill file");
    std::vector<unit_t> block(kBufferWords + 3 + 16);
    std::size_t held = 0;  // words of an unfinished record carried over
    while (true) {
        const std::size_t got = std::fread(block.data() + held, sizeof(unit_t), block.size() - held, file);
        const std::size_t n = held + got;
        std::size_t at = 0;
        while (at + 3 <= n) {
            const std::size_t k = block[at];
            if (k < 1 || k > 16) throw std::runtime_error("corrupt spill file");
            if (at + 3 + k > n) break;
            const std::uint64_t c = block[at + 1] | (static_cast<std::uint64_t>(block[at + 2]) << 32);
            if (k <= tables.size()) tables[k - 1].add(&block[at + 3], c);
            at += 3 + k;
        }
        held = n - at;
        std::copy(block.begin() + static_cast<std::ptrdiff_t>(at), block.begin() + static_cast<std::ptrdiff_t>(n),
                  block.begin());
        if (got == 0) break;
    }
    if (held != 0) throw std::runtime_error("truncated spill file");
    std::fseek(file, 0, SEEK_END);
}

std::size_t tables_memory(const std::vector<NgramTable>& tables, int first_k) {
    std::size_t bytes = 0;
    for (std::size_t k = static_cast<std::size_t>(std::max(first_k, 1)); k <= tables.size(); ++k)
        bytes += tables[k - 1].memory_bytes();
    return bytes;
}

void keep_frequent(std::vector<NgramTable>& tables, int first_k, std::uint64_t min_count, CountSpill* spill) {
    const std::size_t first = static_cast<std::size_t>(std::max(first_k, 1));
    std::vector<NgramTable> kept = make_tables(tables.size());
    auto keep = [&](const NgramTable& from) {
        NgramTable& to = kept[static_cast<std::size_t>(from.k()) - 1];
        for (std::size_t slot = 0; slot < from.capacity(); ++slot) {
            const std::uint64_t c = from.count_at(slot);
            if (c != 0 && c >= min_count) to.add(from.key_at(slot), c);
        }
    };
    if (spill != nullptr && spill->used()) {
        spill->spill_all(tables, first_k);
        for (std::size_t part = 0; part < spill->parts(); ++part) {
            std::vector<NgramTable> counts = make_tables(tables.size());
            spill->load(part, counts);
            for (std::size_t k = first; k <= tables.size(); ++k) keep(counts[k - 1]);
        }
        spill->clear();
    } else {
        for (std::size_t k = first; k <= tables.size(); ++k) keep(tables[k - 1]);
    }
    for (std::size_t k = first; k <= tables.size(); ++k) std::swap(tables[k - 1], kept[k - 1]);
}

}  // namespace unsup::text

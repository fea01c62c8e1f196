#include "unsup/text/lexicon_counts.hpp"

#include <algorithm>

#include "unsup/parallel.hpp"

namespace unsup::text {
namespace {

constexpr std::size_t kBlock = 512;  // documents per task

/// One worker's counts; `seen` holds, per word, the last document it was cut out in (+1).
struct WorkerCounts {
    std::vector<std::int64_t> occurrences, tokens, documents, seen;
    std::int64_t n_units = 0;
    explicit WorkerCounts(std::size_t n) : occurrences(n, 0), tokens(n, 0), documents(n, 0), seen(n, 0) {}
};

/// Receives the runs of one document, counts them as each run ends.
struct CountingSink {
    const Tokenizer& tokenizer;
    WorkerCounts& counts;
    std::vector<std::int32_t>* ids;  // null: no id stream
    std::int64_t document = 0;       // 1-based index of the document being read
    std::vector<unit_t> units;
    std::vector<std::size_t> cut, back;
    std::vector<double> best;

    void unit(unit_t id, std::uint64_t, std::uint64_t) { units.push_back(id); }
    void other(std::uint64_t, std::uint64_t) {}
    void end_run() {
        const Lexicon& lexicon = tokenizer.lexicon();
        const std::size_t n = units.size();
        if (n == 0) return;
        counts.n_units += static_cast<std::int64_t>(n);
        for (std::size_t s = 0; s < n; ++s) {  // every match at every start
            std::int32_t node = 0;
            for (std::size_t e = s; e < n; ++e) {
                const Lexicon::Step step = lexicon.step(node, units[e]);
                if (step.node == Lexicon::kNone) break;
                node = step.node;
                if (!std::isnan(step.score)) ++counts.occurrences[tokenizer.word_of(node)];
            }
        }
        segment(lexicon, units.data(), n, tokenizer.unknown_score(), cut, best, back);
        for (std::size_t i = 0; i + 1 < cut.size(); ++i) {
            const std::int32_t node = lexicon.find(units.data() + cut[i], cut[i + 1] - cut[i]);
            if (!lexicon.is_word(node)) continue;  // a unit outside the lexicon
            const std::int32_t word = tokenizer.word_of(node);
            ++counts.tokens[word];
            if (counts.seen[word] != document) {
                counts.seen[word] = document;
                ++counts.documents[word];
            }
            if (ids) ids->push_back(word);
        }
        units.clear();
    }
};

}  // namespace

LexiconCounts count_lexicon(const Tokenizer& tokenizer, const std::vector<std::string_view>& documents,
                            bool emit_ids, int n_jobs, const StopToken& stop) {
    const std::size_t n_words = tokenizer.n_inputs();
    const std::size_t n_blocks = (documents.size() + kBlock - 1) / kBlock;
    const std::size_t n_workers = static_cast<std::size_t>(std::max(1, std::min<int>(
        resolve_n_jobs(n_jobs), static_cast<int>(std::min<std::size_t>(n_blocks, kMaxThreads)))));
    std::vector<WorkerCounts> workers(n_workers, WorkerCounts(n_words));
    std::vector<std::vector<std::int32_t>> block_ids(emit_ids ? n_blocks : 0);
    parallel_for_workers(n_blocks, static_cast<int>(n_workers), [&](std::size_t b, std::size_t w) {
        stop.check();
        CountingSink sink{tokenizer, workers[w], emit_ids ? &block_ids[b] : nullptr, 0, {}, {}, {}, {}};
        const std::size_t end = std::min(documents.size(), (b + 1) * kBlock);
        for (std::size_t d = b * kBlock; d < end; ++d) {
            sink.document = static_cast<std::int64_t>(d) + 1;
            tokenizer.read(reinterpret_cast<const unsigned char*>(documents[d].data()), documents[d].size(), sink);
            if (emit_ids) block_ids[b].push_back(-1);
        }
    });
    LexiconCounts out;
    out.occurrences = std::move(workers[0].occurrences);
    out.tokens = std::move(workers[0].tokens);
    out.documents = std::move(workers[0].documents);
    out.n_units = workers[0].n_units;
    for (std::size_t w = 1; w < n_workers; ++w) {
        for (std::size_t i = 0; i < n_words; ++i) {
            out.occurrences[i] += workers[w].occurrences[i];
            out.tokens[i] += workers[w].tokens[i];
            out.documents[i] += workers[w].documents[i];
        }
        out.n_units += workers[w].n_units;
    }
    if (emit_ids) {
        std::size_t total = 0;
        for (const auto& v : block_ids) total += v.size();
        out.ids.reserve(total);
        for (auto& v : block_ids) {
            out.ids.insert(out.ids.end(), v.begin(), v.end());
            std::vector<std::int32_t>().swap(v);
        }
    }
    return out;
}

}  // namespace unsup::text

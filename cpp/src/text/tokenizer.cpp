#include "unsup/text/tokenizer.hpp"

#include <cmath>
#include <limits>

#include "unsup/common.hpp"

namespace unsup::text {
namespace {

/// Collects the units of one word; `single_run` turns false at anything that would split it.
struct WordSink {
    std::vector<unit_t> units;
    bool single_run = true;
    bool ended = false;
    void unit(unit_t id, std::uint64_t, std::uint64_t) {
        single_run &= !ended;
        units.push_back(id);
    }
    void end_run() { ended = true; }
    void other(std::uint64_t, std::uint64_t) { single_run = false; }
};

/// Segments each run as it ends and records token spans.
struct TokenSink {
    const Lexicon& lexicon;
    double unknown_score;
    std::vector<std::pair<std::uint64_t, std::uint64_t>>& spans;
    std::vector<unit_t> units;
    std::vector<std::uint64_t> begin, end;
    std::vector<std::size_t> cut, back;
    std::vector<double> best;

    void unit(unit_t id, std::uint64_t b, std::uint64_t e) {
        units.push_back(id);
        begin.push_back(b);
        end.push_back(e);
    }
    void end_run() {
        segment(lexicon, units.data(), units.size(), unknown_score, cut, best, back);
        for (std::size_t i = 0; i + 1 < cut.size(); ++i) spans.emplace_back(begin[cut[i]], end[cut[i + 1] - 1]);
        units.clear();
        begin.clear();
        end.clear();
    }
    void other(std::uint64_t b, std::uint64_t e) { spans.emplace_back(b, e); }
};

}  // namespace

Tokenizer::Tokenizer(const std::vector<std::string>& words, const std::vector<double>& counts, UnitMode mode,
                     double unknown_score)
    : mode_(mode) {
    require(words.size() == counts.size(), "vocabulary: one count per word");
    require(words.size() < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()), "vocabulary: too many words");
    n_inputs_ = words.size();
    std::vector<std::int32_t> nodes;
    std::vector<double> node_count;
    double total = 0.0;
    WordSink sink;
    for (std::size_t i = 0; i < words.size(); ++i) {
        require(std::isfinite(counts[i]) && counts[i] > 0.0, "vocabulary: counts must be finite and positive");
        sink = WordSink{};
        UnitReader<WordSink> reader(mode, DecodeErrors::strict, vocabulary_, /*add=*/true);
        reader.feed(reinterpret_cast<const unsigned char*>(words[i].data()), words[i].size(), sink);
        reader.finish(sink);
        if (sink.units.empty() || !sink.single_run) {
            ++n_skipped_;
            continue;
        }
        const std::int32_t node = lexicon_.insert(sink.units.data(), sink.units.size());
        if (static_cast<std::size_t>(node) >= node_count.size()) node_count.resize(static_cast<std::size_t>(node) + 1, 0.0);
        if (node_count[node] == 0.0) nodes.push_back(node);
        if (static_cast<std::size_t>(node) >= node_word_.size()) node_word_.resize(static_cast<std::size_t>(node) + 1, -1);
        if (node_word_[node] < 0) node_word_[node] = static_cast<std::int32_t>(i);
        node_count[node] += counts[i];
        total += counts[i];
    }
    for (std::int32_t node : nodes) lexicon_.set_score(node, std::log(node_count[node] / total));
    unknown_score_ = std::isnan(unknown_score) ? (total > 0.0 ? std::log(0.5 / total) : 0.0) : unknown_score;
}

void Tokenizer::tokenize(const unsigned char* text, std::size_t size,
                         std::vector<std::pair<std::uint64_t, std::uint64_t>>& spans) const {
    TokenSink sink{lexicon_, unknown_score_, spans, {}, {}, {}, {}, {}, {}};
    UnitReader<TokenSink> reader(mode_, DecodeErrors::replace, vocabulary_, /*add=*/false);
    reader.feed(text, size, sink);
    reader.finish(sink);
}

}  // namespace unsup::text

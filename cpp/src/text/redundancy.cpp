#include "unsup/text/redundancy.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "unsup/common.hpp"
#include "unsup/text/lexicon.hpp"

namespace unsup::text {

std::vector<std::uint64_t> remove_redundant_words(const unit_t* ids, std::size_t stride, const std::uint8_t* length,
                                                  const std::uint64_t* count, std::size_t n_words,
                                                  double nats_per_unit, std::vector<unit_t>& new_units,
                                                  std::vector<std::uint64_t>& new_counts) {
    std::vector<std::uint64_t> counts(count, count + n_words);
    double total = 0.0;
    for (std::size_t i = 0; i < n_words; ++i) total += static_cast<double>(count[i]);
    new_units.clear();
    new_counts.clear();
    if (n_words == 0 || total <= 0.0) return counts;
    const double log_total = std::log(total);

    Lexicon lexicon;
    std::vector<std::int32_t> node(n_words);
    std::vector<std::int64_t> word_of_node;  // node -> word index (or new unit: -2 - index)
    auto set_word = [&](std::int32_t nd, std::int64_t w) {
        if (static_cast<std::size_t>(nd) >= word_of_node.size()) word_of_node.resize(static_cast<std::size_t>(nd) + 1, -1);
        word_of_node[nd] = w;
    };
    for (std::size_t i = 0; i < n_words; ++i) {
        require(length[i] >= 1 && length[i] <= stride, "words: length out of range");
        node[i] = lexicon.insert(ids + i * stride, length[i]);
        require(!lexicon.is_word(node[i]), "words: duplicate word");
        if (counts[i] > 0) lexicon.set_score(node[i], std::log(static_cast<double>(counts[i])) - log_total);
        set_word(node[i], static_cast<std::int64_t>(i));
    }
    // A unit outside the lexicon costs as much as a word seen once (it will be counted as one).
    const double unknown_score = -log_total;

    std::vector<std::size_t> order(n_words);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (length[a] != length[b]) return length[a] > length[b];
        return counts[a] < counts[b];
    });
    std::vector<std::size_t> cut, back;
    std::vector<double> best;
    for (std::size_t i : order) {
        const std::size_t n = length[i];
        if (n < 2 || counts[i] == 0) continue;
        const unit_t* w = ids + i * stride;
        const double own = lexicon.score(node[i]);
        lexicon.set_score(node[i], Lexicon::kNotWord);
        segment(lexicon, w, n, unknown_score, cut, best, back);
        if (own - best[n] >= nats_per_unit * static_cast<double>(n - 1)) {
            lexicon.set_score(node[i], own);  // w explains the text better than its parts
            continue;
        }
        const double c = static_cast<double>(counts[i]);
        for (std::size_t p = 0; p + 1 < cut.size(); ++p) {
            const std::int32_t part = lexicon.insert(w + cut[p], cut[p + 1] - cut[p]);
            const std::int64_t owner = static_cast<std::size_t>(part) < word_of_node.size() ? word_of_node[part] : -1;
            double updated;
            if (owner >= 0) {
                counts[static_cast<std::size_t>(owner)] += counts[i];
                updated = static_cast<double>(counts[static_cast<std::size_t>(owner)]);
            } else if (owner <= -2) {
                new_counts[static_cast<std::size_t>(-2 - owner)] += counts[i];
                updated = static_cast<double>(new_counts[static_cast<std::size_t>(-2 - owner)]);
            } else {  // a unit never seen alone
                set_word(part, -2 - static_cast<std::int64_t>(new_units.size()));
                new_units.push_back(w[cut[p]]);
                new_counts.push_back(counts[i]);
                updated = c;
            }
            lexicon.set_score(part, std::log(updated) - log_total);
        }
        counts[i] = 0;
    }
    return counts;
}

}  // namespace unsup::text

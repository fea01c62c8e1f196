// Bindings of the text kernels: n-gram counters, the cut pass, the redundancy clean-up, the tokenizer.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <string>

#include "common.hpp"
#include "unsup/parallel.hpp"
#include "unsup/text/cooccurrence.hpp"
#include "unsup/text/fragment_counter.hpp"
#include "unsup/text/frequent_ngram_counter.hpp"
#include "unsup/text/lexicon_counts.hpp"
#include "unsup/text/ngram_counter.hpp"
#include "unsup/text/redundancy.hpp"
#include "unsup/text/tokenizer.hpp"

namespace unsup::bindings {

using namespace unsup::text;

namespace {

UnitMode unit_mode(const std::string& unit) {
    if (unit == "char") return UnitMode::character;
    if (unit == "word") return UnitMode::word;
    throw std::invalid_argument("unit must be 'char' or 'word', got '" + unit + "'");
}

DecodeErrors decode_errors(const std::string& errors) {
    if (errors == "replace") return DecodeErrors::replace;
    if (errors == "strict") return DecodeErrors::strict;
    throw std::invalid_argument("errors must be 'replace' or 'strict', got '" + errors + "'");
}

/// Runs fn() without the GIL; invalid UTF-8 under errors="strict" becomes UnicodeDecodeError.
template <class Fn>
void decoding(Fn&& fn) {
    try {
        py::gil_scoped_release release;
        fn();
    } catch (const DecodeError& e) {
        const char byte = static_cast<char>(e.byte);
        py::object error = py::module_::import("builtins").attr("UnicodeDecodeError")(
            "utf-8", py::bytes(&byte, 1), 0, 1, std::string(e.what()));
        error.attr("offset") = e.offset;
        PyErr_SetObject(PyExc_UnicodeDecodeError, error.ptr());
        throw py::error_already_set();
    }
}

/// Rows of a 2-D uint32 id array with their lengths, checked against the array's width.
struct IdRows {
    CArray<std::uint32_t> ids;
    CArray<std::uint8_t> length;
    std::size_t rows = 0, stride = 0;
    IdRows(const CArray<std::uint32_t>& i, const CArray<std::uint8_t>& l) : ids(i), length(l) {
        require(ids.ndim() == 2, "ids: need a 2-D array");
        require(length.ndim() == 1 && length.shape(0) == ids.shape(0), "length: need one length per row of ids");
        rows = static_cast<std::size_t>(ids.shape(0));
        stride = static_cast<std::size_t>(ids.shape(1));
        for (std::size_t r = 0; r < rows; ++r)
            require(length.data()[r] >= 1 && length.data()[r] <= stride, "length: must lie in [1, ids.shape[1]]");
    }
    const unit_t* row(std::size_t r) const { return ids.data() + r * stride; }
};

/// UTF-8 view of a Python str (no copy; lone surrogates raise UnicodeEncodeError).
std::string_view utf8_of(const py::handle& text) {
    if (!PyUnicode_Check(text.ptr())) throw py::type_error("texts must be str");
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return {data, static_cast<std::size_t>(size)};
}

using Spans = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

/// The tokens as slices of the Python str `text` (no UTF-8 decoding): byte spans, in order,
/// become code-point offsets by counting lead bytes between them.
py::list tokens_of(const py::handle& text, std::string_view utf8, const Spans& spans) {
    py::list out(spans.size());
    const unsigned char* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
    std::uint64_t byte = 0;
    Py_ssize_t chars = 0;
    auto advance = [&](std::uint64_t to) {
        for (; byte < to; ++byte) chars += (bytes[byte] & 0xC0) != 0x80;
        return chars;
    };
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const Py_ssize_t begin = advance(spans[i].first);
        const Py_ssize_t end = advance(spans[i].second);
        PyObject* s = PyUnicode_Substring(text.ptr(), begin, end);
        if (s == nullptr) throw py::error_already_set();
        PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), s);
    }
    return out;
}

/// What every streaming reader shares: feed(bytes), end_document(), bytes_seen, memory_bytes.
template <class Reader>
py::class_<Reader> bind_streaming(py::class_<Reader> cls) {
    cls
        .def(
            "feed",
            [](Reader& self, const py::bytes& data) {
                const std::string_view view(data);
                decoding([&] { self.feed(reinterpret_cast<const unsigned char*>(view.data()), view.size()); });
            },
            py::arg("data"), "Read more UTF-8 bytes (a character may straddle two calls).")
        .def(
            "end_document", [](Reader& self) { decoding([&] { self.finish(); }); },
            "End the current document: flush its last unit and run.")
        .def_property_readonly("bytes_seen", &Reader::bytes_seen)
        .def_property_readonly("memory_bytes", &Reader::memory_bytes);
    return cls;
}

/// counter.statistics(min_count) without the GIL, as a dict of lists and arrays.
template <class Counter>
py::dict statistics_of(Counter& counter, std::uint64_t min_count) {
    NgramStatistics s;
    {
        py::gil_scoped_release release;
        s = counter.statistics(min_count);
    }
    py::dict d;
    d["ngrams"] = s.ngrams;
    d["n_units"] = s.n_units;
    d["ids"] = to_numpy_2d(s.ids, s.count.size(), static_cast<std::size_t>(s.max_n));
    d["length"] = to_numpy(s.length);
    d["count"] = to_numpy(s.count);
    d["cohesion"] = to_numpy(s.cohesion);
    d["left_entropy"] = to_numpy(s.left_entropy);
    d["right_entropy"] = to_numpy(s.right_entropy);
    return d;
}

/// The texts of unit ids of a counter's vocabulary.
template <class Counter>
std::vector<std::string> unit_texts_of(const Counter& counter, const CArray<std::uint32_t>& ids) {
    const UnitVocabulary& v = *counter.vocabulary();
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(ids.size()));
    for (py::ssize_t i = 0; i < ids.size(); ++i) {
        const unit_t id = ids.data()[i];
        require(id < v.size(), "ids: unit id out of range");
        out.push_back(v.text(id));
    }
    return out;
}

/// A numpy array that takes over `buffer` (no copy): the array's base owns it.
template <class T>
py::array_t<T> adopt(Buffer<T>&& buffer) {
    auto* held = new Buffer<T>(std::move(buffer));
    py::capsule owner(held, [](void* p) { delete static_cast<Buffer<T>*>(p); });
    return py::array_t<T>({static_cast<py::ssize_t>(held->size)}, {static_cast<py::ssize_t>(sizeof(T))}, held->data(),
                          owner);
}

template <class T>
py::tuple cooccurrence_counts(const std::int32_t* tokens, std::size_t n_tokens, std::int64_t vocabulary_size,
                              int window, DistanceWeighting weighting, int n_jobs) {
    CooccurrenceCsr<T> csr = without_gil([&](const StopToken& stop) {
        return count_cooccurrences<T>(tokens, n_tokens, vocabulary_size, window, weighting, n_jobs, stop);
    });
    return py::make_tuple(adopt(std::move(csr.indptr)), adopt(std::move(csr.indices)), adopt(std::move(csr.data)));
}

}  // namespace

void bind_text(py::module_& m) {
    m.def(
        "cooccurrence_counts",
        [](const py::array& tokens, std::int64_t vocabulary_size, int window, const std::string& weighting,
           const std::string& dtype, int n_jobs) {
            require(has_dtype<std::int32_t>(tokens), "tokens: must be an int32 array");
            require(tokens.ndim() == 1, "tokens: must be 1-d");
            require((tokens.flags() & py::array::c_style) != 0, "tokens: must be C-contiguous");
            const DistanceWeighting w = distance_weighting(weighting);
            const auto* ids = static_cast<const std::int32_t*>(tokens.data());
            const auto n = static_cast<std::size_t>(tokens.shape(0));
            if (dtype == "float32") return cooccurrence_counts<float>(ids, n, vocabulary_size, window, w, n_jobs);
            require(dtype == "float64", "dtype must be 'float32' or 'float64', got '" + dtype + "'");
            return cooccurrence_counts<double>(ids, n, vocabulary_size, window, w, n_jobs);
        },
        py::arg("tokens"), py::arg("vocabulary_size"), py::arg("window"), py::arg("weighting") = "uniform",
        py::arg("dtype") = "float64", py::arg("n_jobs") = 1,
        "(indptr int64, indices int32, data) of the symmetric vocabulary_size x vocabulary_size matrix of "
        "windowed co-occurrences: pairs at distance 1..window in the same sentence (token -1: a break), weighted "
        "'uniform' (1), 'harmonic' (1/d) or 'dynamic' ((window - d + 1) / window).");

    bind_streaming(py::class_<NgramCounter>(m, "NgramCounter",
                                            "Streaming counts of unit n-grams (1 .. max_n + 1) with run boundaries."))
        .def(py::init([](int max_n, const std::string& unit, const std::string& errors, bool neighbours,
                         std::size_t table_budget) {
                 return new NgramCounter(max_n, unit_mode(unit), decode_errors(errors), neighbours, table_budget);
             }),
             py::arg("max_n"), py::arg("unit") = "char", py::arg("errors") = "replace", py::arg("neighbours") = true,
             py::arg("table_budget") = 0)
        .def_property_readonly("n_units", &NgramCounter::n_units)
        .def_property_readonly("spilled_bytes", &NgramCounter::spilled_bytes)
        .def("statistics", &statistics_of<NgramCounter>, py::arg("min_count") = 1,
             "Statistics of the n-grams counted at least min_count times.")
        .def("unit_texts", &unit_texts_of<NgramCounter>, py::arg("ids"), "Texts of these unit ids.");

    bind_streaming(py::class_<FrequentNgramCounter>(
                       m, "FrequentNgramCounter",
                       "Exact counts of the n-grams seen at least min_count times: pass 1 counts units exactly and "
                       "n-grams (n >= 2) into a count sketch, pass 2 counts exactly those whose sketch cell "
                       "reaches min_count."))
        .def(py::init([](int max_n, const std::string& unit, const std::string& errors, std::size_t sketch_cells,
                         bool keep_stream, int n_jobs, std::size_t pair_budget, std::size_t table_budget) {
                 return new FrequentNgramCounter(max_n, unit_mode(unit), decode_errors(errors), sketch_cells,
                                                 keep_stream, n_jobs, pair_budget, table_budget);
             }),
             py::arg("max_n"), py::arg("unit") = "char", py::arg("errors") = "replace",
             py::arg("sketch_cells") = std::size_t{1} << 22, py::arg("keep_stream") = false, py::arg("n_jobs") = 1,
             py::arg("pair_budget") = std::size_t{64} << 20, py::arg("table_budget") = 0)
        .def_static(
            "resume",
            [](FrequentNgramCounter& previous, std::size_t sketch_cells, int n_jobs, std::size_t pair_budget,
               std::size_t table_budget) {
                std::unique_ptr<FrequentNgramCounter> next;
                without_gil([&](const StopToken& stop) {
                    next = FrequentNgramCounter::resume(previous, sketch_cells, n_jobs, pair_budget, table_budget, stop);
                });
                return next;
            },
            py::arg("previous"), py::arg("sketch_cells") = std::size_t{1} << 22, py::arg("n_jobs") = 1,
            py::arg("pair_budget") = std::size_t{64} << 20, py::arg("table_budget") = 0,
            "A counter that goes on where `previous` stopped: it takes over its units and recorded stream and "
            "counts them in pass 1, so feeding more text counts the concatenation.")
        .def_property_readonly("pairs_in_sketch", &FrequentNgramCounter::pairs_in_sketch)
        .def_property_readonly("spilled_bytes", &FrequentNgramCounter::spilled_bytes)
        .def_property_readonly(
            "unit_counts", [](const FrequentNgramCounter& self) { return to_numpy(self.unit_counts()); },
            "Count of each unit id (from pass 2 on; ids past the end were never seen).")
        .def_property_readonly(
            "run_starts", [](const FrequentNgramCounter& self) { return to_numpy(self.run_starts()); },
            "Times each unit id begins a run (from pass 2 on; ids past the end were never seen).")
        .def_property_readonly(
            "run_ends", [](const FrequentNgramCounter& self) { return to_numpy(self.run_ends()); },
            "Times each unit id ends a run (from pass 2 on).")
        .def(
            "end_second_pass", [](FrequentNgramCounter& self) { self.end_second_pass(); },
            "End pass 2 (replay does): add up spilled counts, drop those below min_count, free the sketch.")
        .def(
            "replay", [](FrequentNgramCounter& self) { without_gil([&](const StopToken& stop) { self.replay(stop); }); },
            "Pass 2 from the units recorded in pass 1 (keep_stream=True), instead of feeding the corpus again.")
        .def_property_readonly("stream_units", [](const FrequentNgramCounter& self) { return self.stream().size(); })
        .def("unit_texts", &unit_texts_of<FrequentNgramCounter>, py::arg("ids"), "Texts of these unit ids.")
        .def(
            "start_second_pass",
            [](FrequentNgramCounter& self, std::uint64_t min_count) {
                decoding([&] { self.start_second_pass(min_count); });
            },
            py::arg("min_count"), "End pass 1; feed the same corpus again to count the n-grams that may reach min_count.")
        .def_property_readonly("pass_", &FrequentNgramCounter::pass)
        .def_property_readonly("n_units", &FrequentNgramCounter::n_units)
        .def("statistics", &statistics_of<FrequentNgramCounter>, py::arg("min_count"),
             "Statistics (entropies NaN) of the n-grams counted at least min_count times.")
        .def(
            "cohesive",
            [](const FrequentNgramCounter& self, std::uint64_t min_count, const std::vector<double>& thresholds) {
                std::vector<unit_t> ids;
                std::vector<std::uint8_t> length;
                {
                    py::gil_scoped_release release;
                    self.cohesive(min_count, thresholds, ids, length);
                }
                return py::make_tuple(to_numpy_2d(ids, length.size(), static_cast<std::size_t>(self.max_n())),
                                      to_numpy(length));
            },
            py::arg("min_count"), py::arg("thresholds"),
            "(ids, length) of the n-grams (n >= 2) counted min_count times with cohesion >= thresholds[n - 1].")
        .def(
            "cohesion",
            [](const FrequentNgramCounter& self, const CArray<std::uint32_t>& ids, const CArray<std::uint8_t>& length) {
                const IdRows rows(ids, length);
                std::vector<double> out(rows.rows);
                for (std::size_t r = 0; r < rows.rows; ++r)
                    out[r] = self.cohesion(rows.row(r), rows.length.data()[r]);
                return to_numpy(out);
            },
            py::arg("ids"), py::arg("length"), "Cohesion of each row (NaN where the n-gram was not counted).");

    bind_streaming(py::class_<FragmentCounter>(
                       m, "FragmentCounter",
                       "Second pass: counts the fragments of runs cut where no kept n-gram links two units."))
        .def(py::init([](const py::object& counter, int max_length, const std::string& errors) {
                 // The first pass's counter (either kind) lends its units.
                 auto from = [&](const auto& c) {
                     return new FragmentCounter(c.vocabulary(), c.mode(), decode_errors(errors), max_length);
                 };
                 if (py::isinstance<NgramCounter>(counter)) return from(counter.cast<const NgramCounter&>());
                 if (py::isinstance<FrequentNgramCounter>(counter))
                     return from(counter.cast<const FrequentNgramCounter&>());
                 throw py::type_error("counter must be an NgramCounter or a FrequentNgramCounter");
             }),
             py::arg("counter"), py::arg("max_length"), py::arg("errors") = "replace",
             "Reads with the units of `counter` (the first pass over the same corpus).")
        .def(
            "keep",
            [](FragmentCounter& self, const CArray<std::uint32_t>& ids, const CArray<std::uint8_t>& length) {
                const IdRows rows(ids, length);
                for (std::size_t r = 0; r < rows.rows; ++r) {
                    const int n = rows.length.data()[r];
                    if (n >= 2) self.keep(rows.row(r), n);
                }
            },
            py::arg("ids"), py::arg("length"), "Keep these n-grams (rows of ids, first `length` entries; n >= 2).")
        .def("count_only_kept_windows", &FragmentCounter::count_only_kept_windows, py::arg("window"),
             "Count only the fragments whose every window-unit window is kept (0: all).")
        .def("limit_memory", &FragmentCounter::limit_memory, py::arg("table_budget"), py::arg("min_count"),
             "Spill the counts past a third of table_budget bytes; fragments() then needs min_count at least this.")
        .def_property_readonly("spilled_bytes", &FragmentCounter::spilled_bytes)
        .def(
            "replay",
            [](FragmentCounter& self, const FrequentNgramCounter& counter, int n_jobs) {
                require(counter.pass() == 2, "replay: the counter's second pass has not started");
                without_gil([&](const StopToken& stop) {
                    self.replay(counter.stream(), *counter.vocabulary(), stop, n_jobs);
                });
            },
            py::arg("counter"), py::arg("n_jobs") = 1,
            "Read the units `counter` recorded in its first pass instead of the text.")
        .def(
            "fragments",
            [](FragmentCounter& self, std::uint64_t min_count) {
                Fragments f;
                {
                    py::gil_scoped_release release;
                    f = self.fragments(min_count);
                }
                py::dict d;
                d["ids"] = to_numpy_2d(f.ids, f.count.size(), static_cast<std::size_t>(f.max_length));
                d["length"] = to_numpy(f.length);
                d["count"] = to_numpy(f.count);
                d["texts"] = f.texts;
                return d;
            },
            py::arg("min_count") = 1, "Fragments counted at least min_count times (by length, then count).")
        .def(
            "windows_kept",
            [](const FragmentCounter& self, const CArray<std::uint32_t>& ids, const CArray<std::uint8_t>& length,
               int window) {
                const IdRows rows(ids, length);
                std::vector<std::uint8_t> ok(rows.rows);
                for (std::size_t r = 0; r < rows.rows; ++r)
                    ok[r] = self.windows_kept(rows.row(r), rows.length.data()[r], window);
                return to_numpy(ok).attr("astype")("bool");
            },
            py::arg("ids"), py::arg("length"), py::arg("window"),
            "Per row: is every window-unit window a kept n-gram (the row itself when shorter)?");

    m.def(
        "remove_redundant_words",
        [](const CArray<std::uint32_t>& ids, const CArray<std::uint8_t>& length, const CArray<std::uint64_t>& count,
           double nats_per_unit) {
            const IdRows rows(ids, length);
            require(std::isfinite(nats_per_unit) && nats_per_unit >= 0.0, "nats_per_unit must be finite and >= 0");
            for (std::size_t r = 0; r < rows.rows; ++r)  // ids index the trie's root array
                for (std::size_t j = 0; j < rows.length.data()[r]; ++j)
                    require(rows.row(r)[j] != kBoundary && rows.row(r)[j] < (1u << 26), "ids: unit id out of range");
            require(count.ndim() == 1 && static_cast<std::size_t>(count.shape(0)) == rows.rows,
                    "count: need one count per row of ids");
            std::vector<unit_t> new_units;
            std::vector<std::uint64_t> new_counts, counts;
            {
                py::gil_scoped_release release;
                counts = remove_redundant_words(rows.ids.data(), rows.stride, rows.length.data(), count.data(),
                                                rows.rows, nats_per_unit, new_units, new_counts);
            }
            return py::make_tuple(to_numpy(counts), to_numpy(new_units), to_numpy(new_counts));
        },
        py::arg("ids"), py::arg("length"), py::arg("count"), py::arg("nats_per_unit") = 1.0,
        "Minimum-entropy clean-up: (new counts, units first counted alone, their counts).");

    py::class_<Tokenizer>(m, "Tokenizer", "Unigram (Viterbi) tokenizer over a lexicon of words with counts.")
        .def(py::init([](const std::vector<std::string>& words, const std::vector<double>& counts,
                         const std::string& unit, double unknown_score) {
                 require(std::isnan(unknown_score) || std::isfinite(unknown_score),
                         "unknown_score must be finite (NaN: the default)");
                 return new Tokenizer(words, counts, unit_mode(unit), unknown_score);
             }),
             py::arg("words"), py::arg("counts"), py::arg("unit"), py::arg("unknown_score"),
             "unknown_score NaN: ln(0.5 / total count).")
        .def_property_readonly("n_words", &Tokenizer::n_words)
        .def_property_readonly("n_skipped", &Tokenizer::n_skipped)
        .def_property_readonly("unknown_score", &Tokenizer::unknown_score)
        .def_property_readonly("memory_bytes", &Tokenizer::memory_bytes)
        .def(
            "tokenize",
            [](const Tokenizer& self, const py::str& text) {
                const std::string_view view = utf8_of(text);
                Spans spans;
                {
                    py::gil_scoped_release release;
                    self.tokenize(reinterpret_cast<const unsigned char*>(view.data()), view.size(), spans);
                }
                return tokens_of(text, view, spans);
            },
            py::arg("text"), "Tokens of one text.")
        .def(
            "tokenize_many",
            [](const Tokenizer& self, const py::list& texts, int n_jobs) {
                std::vector<std::string_view> views;
                views.reserve(texts.size());
                for (const py::handle& t : texts) views.push_back(utf8_of(t));
                std::vector<Spans> spans(views.size());
                {
                    py::gil_scoped_release release;
                    // Contiguous blocks of texts per task keep the thread overhead small.
                    const std::size_t block = 256, n_blocks = (views.size() + block - 1) / block;
                    parallel_for(n_blocks, n_jobs, [&](std::size_t b) {
                        for (std::size_t i = b * block; i < std::min(views.size(), (b + 1) * block); ++i)
                            self.tokenize(reinterpret_cast<const unsigned char*>(views[i].data()), views[i].size(),
                                          spans[i]);
                    });
                }
                py::list out(views.size());
                for (std::size_t i = 0; i < views.size(); ++i) out[i] = tokens_of(texts[i], views[i], spans[i]);
                return out;
            },
            py::arg("texts"), py::arg("n_jobs") = 1, "Tokens of each text (threads share the texts).")
        .def(
            "count",
            [](const Tokenizer& self, const py::list& documents, bool emit_ids, int n_jobs) {
                std::vector<std::string_view> views;
                views.reserve(documents.size());
                for (const py::handle& t : documents) views.push_back(utf8_of(t));
                LexiconCounts counts = without_gil([&](const StopToken& stop) {
                    return count_lexicon(self, views, emit_ids, n_jobs, stop);
                });
                py::dict out;
                out["occurrences"] = to_numpy(counts.occurrences);
                out["tokens"] = to_numpy(counts.tokens);
                out["documents"] = to_numpy(counts.documents);
                out["ids"] = to_numpy(counts.ids);
                out["n_units"] = counts.n_units;
                return out;
            },
            py::arg("documents"), py::arg("emit_ids") = false, py::arg("n_jobs") = 1,
            "Per word id: substring occurrences, segmentation tokens, documents holding a token; the token ids "
            "(-1 after each document) when emit_ids.");
}

}  // namespace unsup::bindings

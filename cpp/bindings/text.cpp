// Bindings of the text kernels: the streaming n-gram counter.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "common.hpp"
#include "unsup/text/ngram_counter.hpp"

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

}  // namespace

void bind_text(py::module_& m) {
    py::class_<NgramCounter>(m, "NgramCounter",
                             "Streaming counts of unit n-grams (1 .. max_n + 1) with run boundaries.")
        .def(py::init([](int max_n, const std::string& unit, const std::string& errors) {
                 return new NgramCounter(max_n, unit_mode(unit), decode_errors(errors));
             }),
             py::arg("max_n"), py::arg("unit") = "char", py::arg("errors") = "replace")
        .def(
            "feed",
            [](NgramCounter& self, const py::bytes& data) {
                const std::string_view view(data);
                decoding([&] {
                    self.feed(reinterpret_cast<const unsigned char*>(view.data()), view.size());
                });
            },
            py::arg("data"), "Count more UTF-8 bytes (a character may straddle two calls).")
        .def(
            "end_document", [](NgramCounter& self) { decoding([&] { self.finish(); }); },
            "End the current document: flush its last unit and run.")
        .def_property_readonly("bytes_seen", &NgramCounter::bytes_seen)
        .def_property_readonly("memory_bytes", &NgramCounter::memory_bytes)
        .def(
            "statistics",
            [](const NgramCounter& self, std::uint64_t min_count) {
                NgramStatistics s;
                {
                    py::gil_scoped_release release;
                    s = self.statistics(min_count);
                }
                py::dict d;
                const py::ssize_t rows = static_cast<py::ssize_t>(s.count.size());
                py::array_t<std::uint32_t> ids({rows, static_cast<py::ssize_t>(s.max_n)});
                std::copy(s.ids.begin(), s.ids.end(), ids.mutable_data());
                d["units"] = s.units;
                d["ngrams"] = s.ngrams;
                d["n_units"] = s.n_units;
                d["ids"] = ids;
                d["length"] = to_numpy(s.length);
                d["count"] = to_numpy(s.count);
                d["cohesion"] = to_numpy(s.cohesion);
                d["left_entropy"] = to_numpy(s.left_entropy);
                d["right_entropy"] = to_numpy(s.right_entropy);
                return d;
            },
            py::arg("min_count") = 1, "Statistics of the n-grams counted at least min_count times.");
}

}  // namespace unsup::bindings

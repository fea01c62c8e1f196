// Binding helpers: numpy -> C++ views, interruption by Ctrl-C, running without the GIL.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <atomic>
#include <memory>
#include <thread>

#include "unsup/common.hpp"
#include "unsup/csr.hpp"

namespace unsup::bindings {

namespace py = pybind11;

/// Whether `a` holds values of type T. By kind and size, not by identity of the dtype object:
/// unpickled arrays and memory maps carry dtype objects equal to, but not the same as, numpy's.
template <class T>
bool has_dtype(const py::array& a) {
    const py::dtype want = py::dtype::of<T>();
    return a.dtype().kind() == want.kind() && a.dtype().itemsize() == want.itemsize();
}

inline bool same_dtype(const py::array& a, const py::array& b) {
    return a.dtype().kind() == b.dtype().kind() && a.dtype().itemsize() == b.dtype().itemsize();
}

template <class T>
using CArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

/// A CSR view over numpy buffers (kept alive by the caller's arrays).
inline CsrView csr_view(const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices,
                        const CArray<double>& data, std::int64_t n_rows, std::int64_t n_cols,
                        const char* name) {
    const std::string arg(name);
    require(n_rows >= 0 && n_rows < (std::int64_t{1} << 31) && n_cols >= 0 && n_cols < (std::int64_t{1} << 31),
            arg + ": at most 2**31 - 1 rows and columns are supported");
    require(indptr.ndim() == 1 && indptr.shape(0) == n_rows + 1, arg + ": indptr must have n_rows + 1 entries");
    require(indices.ndim() == 1 && data.ndim() == 1 && indices.shape(0) == data.shape(0),
            arg + ": indices and data must be 1-d of equal length");
    CsrView v;
    v.n_rows = static_cast<index_t>(n_rows);
    v.n_cols = static_cast<index_t>(n_cols);
    v.indptr = indptr.data();
    v.indices = indices.data();
    v.data = data.data();
    require(v.nnz() == indices.shape(0), arg + ": indptr[-1] must equal the number of stored entries");
    return v;
}

/// Polls for signals (Ctrl-C): only the main thread can run Python's signal handlers, so it
/// checks them under the GIL and raises a flag that the other threads read.
class InterruptProbe {
public:
    InterruptProbe() : main_(std::this_thread::get_id()), flag_(std::make_shared<std::atomic<bool>>(false)) {}
    StopToken token() const {
        auto flag = flag_;
        auto main = main_;
        return StopToken([flag, main]() {
            if (flag->load(std::memory_order_relaxed)) return true;
            if (std::this_thread::get_id() != main) return false;
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) flag->store(true);
            return flag->load();
        });
    }

private:
    std::thread::id main_;
    std::shared_ptr<std::atomic<bool>> flag_;
};

/// Runs fn(stop) with the GIL released; Ctrl-C surfaces as KeyboardInterrupt.
template <class Fn>
auto without_gil(Fn&& fn) {
    InterruptProbe probe;
    const StopToken stop = probe.token();
    try {
        py::gil_scoped_release release;
        return fn(stop);
    } catch (const Interrupted&) {
        if (!PyErr_Occurred()) PyErr_SetNone(PyExc_KeyboardInterrupt);
        throw py::error_already_set();
    }
}

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
    py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

/// A (rows, cols) array of the row-major values `v` (rows * cols of them).
template <class T>
py::array_t<T> to_numpy_2d(const std::vector<T>& v, std::size_t rows, std::size_t cols) {
    py::array_t<T> out({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
    std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(rows * cols), out.mutable_data());
    return out;
}

}  // namespace unsup::bindings

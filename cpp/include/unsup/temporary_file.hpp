// Anonymous temporary files for data that should not stay in memory.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace unsup {

/// An anonymous temporary file (deleted when closed, its name unlinked at once) in $TMPDIR, or
/// /tmp when TMPDIR is unset. Throws std::runtime_error when none can be created.
inline std::FILE* open_temporary_file() {
#if defined(__unix__) || defined(__APPLE__)
    const char* env = std::getenv("TMPDIR");
    const std::string directory = (env != nullptr && *env != '\0') ? env : "/tmp";
    std::string path = directory + "/unsup-XXXXXX";
    const int fd = ::mkstemp(path.data());
    if (fd < 0)
        throw std::runtime_error("cannot create a temporary file in " + directory +
                                 " (set TMPDIR to a writable directory)");
    ::unlink(path.c_str());  // anonymous: the space is freed when the file is closed
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);  // not inherited by child processes, which would hold the space
    std::FILE* file = ::fdopen(fd, "w+b");
    if (file == nullptr) {
        ::close(fd);
        throw std::runtime_error("cannot open a temporary file");
    }
    return file;
#else
    std::FILE* file = std::tmpfile();
    if (file == nullptr) throw std::runtime_error("cannot create a temporary file");
    return file;
#endif
}

}  // namespace unsup

"""Streaming a corpus (texts, files, or an iterable of both) into the C++ counters, once."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional, Sequence, Union

__all__ = ["Corpus", "CorpusReader"]

Corpus = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]

logger = logging.getLogger("unsup")

CHUNK_BYTES = 1 << 20
_SAMPLE_CHARS = 1 << 14


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as exc:  # OSError(errno, ...) is the errno's subclass: FileNotFoundError, IsADirectoryError...
        raise OSError(exc.errno, f"corpus: cannot read {str(path)!r}: {exc.strerror}", str(path)) from exc


def _documents(corpus: Corpus, name: str = "corpus") -> Iterator[Union[str, Path]]:
    """The corpus as a stream of documents: texts (``str``) and files (``Path``); errors name ``name``."""
    if isinstance(corpus, (str, os.PathLike)):
        yield Path(corpus) if isinstance(corpus, os.PathLike) else corpus
        return
    if isinstance(corpus, (bytes, bytearray)):
        raise TypeError(f"{name}: pass text as str (or a file as a pathlib.Path), not bytes")
    try:
        items = iter(corpus)
    except TypeError:
        raise TypeError(f"{name}: expected str, a path or an iterable of them, got {type(corpus).__name__}") from None
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, os.PathLike):
            yield Path(item)
        else:
            raise TypeError(f"{name}: documents must be str or paths, got {type(item).__name__}")


class _Progress:
    """Bytes read and MB/s: a tqdm bar when ``verbose`` and tqdm is installed, else log lines."""

    def __init__(self, verbose: int, label: str) -> None:
        self.label, self.bytes, self.start = label, 0, time.perf_counter()
        self.bar: Any = None
        if verbose:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(desc=label, unit="B", unit_scale=True, unit_divisor=1 << 20, leave=False)

    def update(self, n: int) -> None:
        self.bytes += n
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        seconds = max(time.perf_counter() - self.start, 1e-9)
        if self.bar is not None:
            self.bar.close()
        logger.info("%s: %.1f MB in %.2f s (%.1f MB/s)", self.label, self.bytes / 1e6, seconds,
                    self.bytes / 1e6 / seconds)


class CorpusReader:
    """Feeds a corpus to a counter (``feed(bytes)``, ``end_document()``), reading it once.

    Files are read in 1 MiB chunks and texts encoded to UTF-8 one at a time, so the corpus is
    never held in memory; the counters that need more passes record their units instead.
    """

    def __init__(self, corpus: Corpus, *, errors: str = "replace", verbose: int = 0) -> None:
        if errors not in ("replace", "strict"):
            raise ValueError(f"errors must be 'replace' or 'strict', got {errors!r}")
        self._corpus = corpus
        self._errors = errors
        self._verbose = verbose
        self._documents = _documents(corpus)
        self._first = next(self._documents, None)
        self._read = False

    def size_hint(self) -> Optional[int]:
        """Approximate bytes of the corpus when cheap to know (files and lists of them, texts), else None."""
        corpus = self._corpus
        items = [corpus] if isinstance(corpus, (str, os.PathLike)) else corpus if isinstance(corpus, Sequence) else None
        if items is None:
            return None
        total = 0
        for item in items:
            if isinstance(item, str):
                total += len(item) if item.isascii() else 3 * len(item)
            elif isinstance(item, os.PathLike):
                try:
                    total += os.path.getsize(item)
                except OSError:
                    return None
        return total

    def sample(self) -> str:
        """The beginning of the first document (to pick the unit mode)."""
        first = self._first
        if first is None:
            return ""
        if isinstance(first, str):
            return first[:_SAMPLE_CHARS]
        with _open(first) as fh:
            return fh.read(4 * _SAMPLE_CHARS).decode("utf-8", errors="replace")

    def feed(self, counter: Any, label: str = "reading corpus") -> int:
        """Every document into ``counter``; returns the bytes read. A reader reads its corpus once."""
        if self._read:
            raise RuntimeError("a CorpusReader reads its corpus once")
        self._read = True
        progress = _Progress(self._verbose, label)
        try:
            documents = _chain(self._first, self._documents) if self._first is not None else iter(())
            for index, document in enumerate(documents):
                start = counter.bytes_seen
                try:
                    for chunk in self._chunks(document):
                        counter.feed(chunk)
                        progress.update(len(chunk))
                    counter.end_document()
                except UnicodeDecodeError as exc:  # say where, within the document
                    at = int(getattr(exc, "offset", start)) - start
                    error = UnicodeDecodeError("utf-8", exc.object, exc.start, exc.end,
                                               f"invalid UTF-8 at byte offset {at} of {self._name(index)}")
                    error.offset = at  # type: ignore[attr-defined]
                    raise error from None
        finally:
            progress.close()
        return progress.bytes

    def _name(self, index: int) -> str:
        """How an error message names document `index`: its path, or its position."""
        corpus = self._corpus
        if isinstance(corpus, os.PathLike):
            return repr(str(corpus))
        if isinstance(corpus, Sequence) and not isinstance(corpus, str) and index < len(corpus):
            item = corpus[index]
            if isinstance(item, os.PathLike):
                return repr(str(item))
        return f"document {index}"

    def _chunks(self, document: Union[str, Path]) -> Iterator[bytes]:
        if isinstance(document, Path):
            with _open(document) as fh:
                while True:
                    chunk = fh.read(CHUNK_BYTES)
                    if not chunk:
                        break
                    yield chunk
            return
        data = document.encode("utf-8", errors="surrogatepass" if self._errors == "replace" else "strict")
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start:start + CHUNK_BYTES]

    def __enter__(self) -> "CorpusReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def _chain(first: Union[str, Path], rest: Iterator[Union[str, Path]]) -> Iterator[Union[str, Path]]:
    yield first
    yield from rest

"""Exceptions and warnings raised by unsup.

Bad input raises the built-in exception that fits (``ValueError``, ``TypeError``);
scikit-learn's ``NotFittedError`` signals use before ``fit``.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError

__all__ = ["NotFittedError", "InputFormatError"]


class InputFormatError(ValueError):
    """A malformed input file: the message names the file and the line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line

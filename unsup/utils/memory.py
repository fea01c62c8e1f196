"""Memory caps given by users ("1GB", 512 * 2**20) and what the process holds now."""

from __future__ import annotations

import numbers
import os
import re
from typing import Optional, Union

__all__ = ["parse_bytes", "resident_bytes"]

_UNITS = {"": 1, "b": 1,
          "k": 1000, "kb": 1000, "kib": 1 << 10,
          "m": 1000 ** 2, "mb": 1000 ** 2, "mib": 1 << 20,
          "g": 1000 ** 3, "gb": 1000 ** 3, "gib": 1 << 30,
          "t": 1000 ** 4, "tb": 1000 ** 4, "tib": 1 << 40}
_MAX_BYTES = 2**63 - 1
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]*)\s*$")


def parse_bytes(value: Union[int, str], name: str) -> int:
    """Bytes in ``value``: an int, or a string such as ``"1GB"`` (10^9), ``"512MiB"`` (2^29), ``"1.5G"``.

    Raises
    ------
    ValueError
        Naming ``name`` when the value is not a positive size.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if not 0 < value <= _MAX_BYTES:
            raise ValueError(f"{name} must be positive and at most 2**63 - 1 bytes, got {value!r}")
        return int(value)
    if isinstance(value, str):
        match = _SIZE.match(value)
        unit = match.group(2).lower() if match else None
        if match and unit in _UNITS:
            size = int(float(match.group(1)) * _UNITS[unit])
            if 0 < size <= _MAX_BYTES:
                return size
    raise ValueError(f"{name} must be a positive number of bytes or a size such as '1GB' or '512MiB', got {value!r}")


def resident_bytes() -> Optional[int]:
    """Bytes of memory the process holds now (resident set), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None

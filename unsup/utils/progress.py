"""Progress of an iterative fit: a tqdm bar when ``verbose`` and tqdm is installed, else log lines."""

from __future__ import annotations

import logging
import time
from typing import Any, Optional

__all__ = ["Progress"]

logger = logging.getLogger("unsup")


class Progress:
    """Counts the steps of a loop (epochs, iterations) and shows how far it is.

    With ``verbose`` falsy it does nothing. Otherwise it draws a tqdm bar when tqdm is
    installed (the ``progress`` extra), else logs about ten lines at INFO on the ``"unsup"``
    logger (every step with ``verbose >= 2``); either way a last line gives the step count
    and the time when it is closed.

    Parameters
    ----------
    total : int or None
        Expected number of steps (``None``: unknown).
    label : str
        Names the loop in the bar and the log lines.
    verbose : int, default=0

    Examples
    --------
    >>> from unsup.utils.progress import Progress
    >>> with Progress(3, "demo", verbose=0) as progress:
    ...     for step in range(3):
    ...         progress.update(loss=1.0 / (step + 1))
    >>> progress.steps
    3
    """

    def __init__(self, total: Optional[int], label: str, verbose: int = 0) -> None:
        self.total, self.label, self.verbose = total, label, int(verbose or 0)
        self.steps = 0
        self.start = time.perf_counter()
        self._bar: Any = None
        self._every = 1 if self.verbose >= 2 or not total else max(1, total // 10)
        if self.verbose:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=total, desc=label, leave=False)

    def update(self, n: int = 1, **values: float) -> None:
        """Count ``n`` more steps; ``values`` (e.g. ``loss=...``) are shown beside the count."""
        self.steps += n
        if not self.verbose:
            return
        if self._bar is not None:
            if values:
                self._bar.set_postfix({key: f"{value:.4g}" for key, value in values.items()}, refresh=False)
            self._bar.update(n)
        elif self.steps % self._every < n:
            shown = " ".join(f"{key}={value:.6g}" for key, value in values.items())
            of_total = f"/{self.total}" if self.total else ""
            logger.info("%s: %d%s %s", self.label, self.steps, of_total, shown)

    def close(self, message: str = "") -> None:
        """Close the bar and log a summary line (when verbose)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self.verbose:
            logger.info("%s: %d steps in %.2f s%s", self.label, self.steps, time.perf_counter() - self.start,
                        f" ({message})" if message else "")

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

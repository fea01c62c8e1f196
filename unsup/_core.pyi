# Type stub of the compiled module unsup._core; tests/test_core_stub.py checks it against the module.
from typing import Any, Dict, List, Tuple

import numpy as np
import numpy.typing as npt

class graph:
    @staticmethod
    def infomap(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        directed: bool,
        teleportation: float = 0.15,
        recorded_teleportation: bool = False,
        teleport_to_nodes: bool = False,
        n_trials: int = 10,
        seed: int = 0,
        n_jobs: int = 1,
        core_loop_limit: int = 10,
        tune_iteration_limit: int = 0,
        min_relative_tune_improvement: float = 0.0001,
        prune_candidates: bool = True,
    ) -> Dict[str, Any]: ...
    @staticmethod
    def map_equation(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        labels: npt.ArrayLike,
        directed: bool,
        teleportation: float = 0.15,
        recorded_teleportation: bool = False,
        teleport_to_nodes: bool = False,
    ) -> Dict[str, Any]: ...
    @staticmethod
    def move_deltas(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        labels: npt.ArrayLike,
        nodes: npt.ArrayLike,
        targets: npt.ArrayLike,
        directed: bool,
        teleportation: float = 0.15,
        recorded_teleportation: bool = False,
        teleport_to_nodes: bool = False,
    ) -> npt.NDArray[np.float64]: ...

class sparse:
    @staticmethod
    def is_symmetric(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        rtol: float = 1e-12,
    ) -> bool: ...

class text:
    class NgramCounter:
        def __init__(self, max_n: int, unit: str = "char", errors: str = "replace", neighbours: bool = True) -> None: ...
        def feed(self, data: bytes) -> None: ...
        def end_document(self) -> None: ...
        @property
        def bytes_seen(self) -> int: ...
        @property
        def memory_bytes(self) -> int: ...
        @property
        def n_units(self) -> int: ...
        def statistics(self, min_count: int = 1) -> Dict[str, Any]: ...

    class FragmentCounter:
        def __init__(self, counter: NgramCounter, max_length: int, errors: str = "replace") -> None: ...
        def keep(self, ids: np.ndarray, length: np.ndarray) -> None: ...
        def feed(self, data: bytes) -> None: ...
        def end_document(self) -> None: ...
        @property
        def bytes_seen(self) -> int: ...
        @property
        def memory_bytes(self) -> int: ...
        def fragments(self, min_count: int = 1) -> Dict[str, Any]: ...
        def windows_kept(self, ids: np.ndarray, length: np.ndarray, window: int) -> np.ndarray: ...

    @staticmethod
    def remove_redundant_words(ids: np.ndarray, length: np.ndarray, count: np.ndarray,
                               nats_per_unit: float = 1.0) -> Tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    class Tokenizer:
        def __init__(self, words: List[str], counts: List[float], unit: str, unknown_score: float) -> None: ...
        @property
        def n_words(self) -> int: ...
        @property
        def n_skipped(self) -> int: ...
        @property
        def unknown_score(self) -> float: ...
        @property
        def memory_bytes(self) -> int: ...
        def tokenize(self, text: str) -> List[str]: ...
        def tokenize_many(self, texts: List[str], n_jobs: int = 1) -> List[List[str]]: ...

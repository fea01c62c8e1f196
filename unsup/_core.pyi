# Type stub of the compiled module unsup._core; tests/test_core_stub.py checks it against the module.
from typing import Any, Dict

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
        def __init__(self, max_n: int, unit: str = "char", errors: str = "replace") -> None: ...
        def feed(self, data: bytes) -> None: ...
        def end_document(self) -> None: ...
        @property
        def bytes_seen(self) -> int: ...
        @property
        def memory_bytes(self) -> int: ...
        def statistics(self, min_count: int = 1) -> Dict[str, Any]: ...

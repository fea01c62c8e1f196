# Type stub of the compiled module unsup._core; tests/test_core_stub.py checks it against the module.
from typing import Any, Dict, List, Tuple

import numpy as np
import numpy.typing as npt

class cluster:
    @staticmethod
    def dynamic_routing(u_hat: np.ndarray, n_iter: int, variant: str, squash_eps: float, return_couplings: bool,
                        n_jobs: int = 1) -> Tuple[np.ndarray, Any]: ...
    @staticmethod
    def em_routing(votes: np.ndarray, a_in: np.ndarray, n_iter: int, beta_u: float, beta_a: float,
                   inv_temp: np.ndarray, eps: float, return_assignments: bool,
                   n_jobs: int = 1) -> Tuple[np.ndarray, np.ndarray, Any]: ...
    @staticmethod
    def isa() -> str: ...
    @staticmethod
    def lloyd_pass(X: Any, sample_weight: Any, centres: np.ndarray, metric: str, labels: np.ndarray,
                   n_jobs: int, lower: Any = None, drop: Any = None,
                   radius: Any = None) -> Tuple[np.ndarray, np.ndarray, float, int, int]: ...
    @staticmethod
    def nearest_centres(X: Any, rows: Any, centres: np.ndarray, metric: str,
                        n_jobs: int) -> Tuple[np.ndarray, np.ndarray]: ...
    @staticmethod
    def all_distances(X: Any, centres: np.ndarray, metric: str, n_jobs: int) -> np.ndarray: ...
    @staticmethod
    def farthest_rows(X: Any, centres: np.ndarray, metric: str, labels: np.ndarray, count: int,
                      n_jobs: int) -> Tuple[np.ndarray, np.ndarray]: ...
    @staticmethod
    def soft_spherical_pass(X: Any, sample_weight: Any, centres: np.ndarray, kappa: float,
                            return_responsibilities: bool, n_jobs: int) -> Tuple[np.ndarray, np.ndarray, float, Any]: ...
    GMM_CHUNK_ROWS: int
    @staticmethod
    def gmm_accumulate(x: npt.ArrayLike, indices: Any, indptr: Any, n_cols: int, covariance_type: str,
                       n_components: int, log_weights: Any, means: Any, precisions_cholesky: Any, shift: Any,
                       nk: np.ndarray, s1: np.ndarray, s2: np.ndarray, log_likelihood: np.ndarray,
                       responsibilities: Any = None, labels: Any = None, n_jobs: int = 1) -> None: ...
    @staticmethod
    def gmm_weighted_log_prob(x: npt.ArrayLike, indices: Any, indptr: Any, n_cols: int, covariance_type: str,
                              log_weights: Any, means: Any, precisions_cholesky: Any,
                              n_jobs: int = 1) -> np.ndarray: ...
    @staticmethod
    def knn_exact(X: np.ndarray, k: int, metric: str, n_jobs: int) -> Tuple[np.ndarray, np.ndarray]: ...
    @staticmethod
    def knn_ivf(X: np.ndarray, k: int, metric: str, centres: np.ndarray, n_probe: int,
                n_jobs: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]: ...

class graph:
    @staticmethod
    def hierarchical_codelength(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        parent: npt.ArrayLike,
        leaf_of: npt.ArrayLike,
        directed: bool,
        teleportation: float = 0.15,
        recorded_teleportation: bool = False,
        teleport_to_nodes: bool = False,
    ) -> Dict[str, Any]: ...
    @staticmethod
    def infomap_multilevel(
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
        sub_trials: int = 5,
        super_trials: int = 10,
        max_sub_depth: int = 64,
        max_super_levels: int = 64,
        min_split_size: int = 3,
    ) -> Dict[str, Any]: ...
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
    @staticmethod
    def louvain(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        directed: bool,
        resolution: float = 1.0,
        threshold: float = 1e-07,
        max_levels: int = 2147483647,
        n_trials: int = 1,
        seed: int = 0,
        n_jobs: int = 1,
        refine: bool = True,
        min_relative_tune_improvement: float = 0.0001,
        pass_limit: int = 100,
    ) -> Dict[str, Any]: ...
    @staticmethod
    def modularity(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        labels: npt.ArrayLike,
        directed: bool,
        resolution: float = 1.0,
    ) -> float: ...
    @staticmethod
    def modularity_move_deltas(
        indptr: npt.ArrayLike,
        indices: npt.ArrayLike,
        data: npt.ArrayLike,
        n: int,
        labels: npt.ArrayLike,
        nodes: npt.ArrayLike,
        targets: npt.ArrayLike,
        directed: bool,
        resolution: float = 1.0,
    ) -> npt.NDArray[np.float64]: ...

class linalg:
    @staticmethod
    def csr_times_dense(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_rows: int, n_cols: int,
                        block: np.ndarray, n_jobs: int = 1) -> np.ndarray: ...
    @staticmethod
    def csr_transpose_times_dense(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_rows: int,
                                  n_cols: int, block: np.ndarray, n_jobs: int = 1) -> np.ndarray: ...
    @staticmethod
    def csr_gram_times_dense(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_rows: int, n_cols: int,
                             block: np.ndarray, n_jobs: int = 1) -> np.ndarray: ...

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
    @staticmethod
    def cooccurrence_counts(tokens: np.ndarray, vocabulary_size: int, window: int, weighting: str = "uniform",
                            dtype: str = "float64", n_jobs: int = 1) -> Tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    class NgramCounter:
        def __init__(self, max_n: int, unit: str = "char", errors: str = "replace", neighbours: bool = True,
                     table_budget: int = 0) -> None: ...
        def feed(self, data: bytes) -> None: ...
        def end_document(self) -> None: ...
        @property
        def bytes_seen(self) -> int: ...
        @property
        def memory_bytes(self) -> int: ...
        @property
        def n_units(self) -> int: ...
        @property
        def spilled_bytes(self) -> int: ...
        def statistics(self, min_count: int = 1) -> Dict[str, Any]: ...
        def unit_texts(self, ids: np.ndarray) -> List[str]: ...

    class FrequentNgramCounter:
        def __init__(self, max_n: int, unit: str = "char", errors: str = "replace", sketch_cells: int = 4194304,
                     keep_stream: bool = False, n_jobs: int = 1, pair_budget: int = 67108864,
                     table_budget: int = 0) -> None: ...
        @property
        def pairs_in_sketch(self) -> bool: ...
        @property
        def spilled_bytes(self) -> int: ...
        @property
        def unit_counts(self) -> np.ndarray: ...
        @property
        def run_starts(self) -> np.ndarray: ...
        @property
        def run_ends(self) -> np.ndarray: ...
        def end_second_pass(self) -> None: ...
        @staticmethod
        def resume(previous: FrequentNgramCounter, sketch_cells: int = 4194304, n_jobs: int = 1,
                   pair_budget: int = 67108864, table_budget: int = 0) -> FrequentNgramCounter: ...
        def feed(self, data: bytes) -> None: ...
        def end_document(self) -> None: ...
        def start_second_pass(self, min_count: int) -> None: ...
        def replay(self) -> None: ...
        @property
        def stream_units(self) -> int: ...
        def unit_texts(self, ids: np.ndarray) -> List[str]: ...
        @property
        def pass_(self) -> int: ...
        @property
        def bytes_seen(self) -> int: ...
        @property
        def memory_bytes(self) -> int: ...
        @property
        def n_units(self) -> int: ...
        def statistics(self, min_count: int) -> Dict[str, Any]: ...
        def cohesive(self, min_count: int, thresholds: List[float]) -> Tuple[np.ndarray, np.ndarray]: ...
        def cohesion(self, ids: np.ndarray, length: np.ndarray) -> np.ndarray: ...

    class FragmentCounter:
        def __init__(self, counter: Any, max_length: int, errors: str = "replace") -> None: ...
        def keep(self, ids: np.ndarray, length: np.ndarray) -> None: ...
        def count_only_kept_windows(self, window: int) -> None: ...
        def limit_memory(self, table_budget: int, min_count: int) -> None: ...
        @property
        def spilled_bytes(self) -> int: ...
        def feed(self, data: bytes) -> None: ...
        def end_document(self) -> None: ...
        def replay(self, counter: FrequentNgramCounter, n_jobs: int = 1) -> None: ...
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
        def count(self, documents: List[str], emit_ids: bool = False, n_jobs: int = 1) -> Dict[str, Any]: ...

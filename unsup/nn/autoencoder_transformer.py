"""A scikit-learn transformer around :class:`MLPAutoencoder`: fit, encode, decode."""

from __future__ import annotations

import logging
import numbers
import warnings
from typing import Any, Sequence, Union

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from unsup.nn.autoencoder import MLPAutoencoder, check_activation, check_layer_sizes
from unsup.utils.progress import Progress
from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["AutoencoderTransformer"]

logger = logging.getLogger("unsup")

_SOLVERS = ("adam", "lbfgs")
# Rows per chunk of transform / inverse_transform / score.
_CHUNK_ROWS = 8192


class AutoencoderTransformer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Encode rows with a trained :class:`~unsup.nn.MLPAutoencoder` (scikit-learn API).

    ``fit`` centres X (and with ``standardize=True`` divides each column by its standard
    deviation), then trains the autoencoder on the squared reconstruction error of the
    centred data. ``transform`` gives the codes, ``inverse_transform`` maps codes back to X's
    scale (adding the mean back). With ``hidden_layer_sizes=()`` (or ``activation="identity"``)
    the model is linear and its decoder spans the top principal subspace of the centred data —
    the subspace of :class:`~unsup.decomposition.SVDAutoencoder` fitted on ``X - X.mean(0)``.

    Parameters
    ----------
    n_components : int, default=2
        Width of the code.
    hidden_layer_sizes : sequence of int, default=()
        Hidden widths of the encoder (mirrored in the decoder).
    activation : {"relu", "tanh", "identity", "sigmoid", "gelu"}, default="relu"
        Between hidden layers only (irrelevant without hidden layers).
    solver : {"adam", "lbfgs"}, default="adam"
        ``"adam"``: mini-batches of ``batch_size`` rows, one iteration = one epoch.
        ``"lbfgs"``: full-batch L-BFGS with a strong-Wolfe line search, one iteration = one
        L-BFGS step (good for small data; ``batch_size`` and ``learning_rate`` are unused).
    max_iter : int, default=200
        Most epochs (adam) or L-BFGS steps.
    batch_size : int or "auto", default="auto"
        Adam's mini-batch rows (``"auto"``: ``min(200, n_samples)``).
    learning_rate : float, default=1e-3
        Adam's step size.
    tol : float, default=1e-4
        Training stops when the loss has not fallen by more than ``tol`` times its best value
        for ``n_iter_no_change`` consecutive iterations.
    n_iter_no_change : int, default=10
    standardize : bool, default=False
        Also scale each centred column to unit variance (constant columns are left unscaled).
    device : str, default="cpu"
        Torch device of the model and the training.
    random_state : None, int, RandomState or Generator, default=None
        Seeds the initial weights and the mini-batch order (torch generators; the global
        torch generator is not used).
    verbose : int, default=0
        Progress bar (tqdm, if installed) or log lines on the ``"unsup"`` logger.

    Attributes
    ----------
    model_ : MLPAutoencoder
        The trained network (in eval mode), in float32 when fitted on float32 X, else float64.
    mean_ : ndarray of shape (n_features,)
    scale_ : ndarray of shape (n_features,)
        Column standard deviations with ``standardize=True``, else ones.
    loss_curve_ : list of float
        Per iteration: the mean over rows of the squared reconstruction error summed over the
        (centred, scaled) columns — the epoch average of the mini-batch losses for adam, the
        loss at the start of the step for L-BFGS.
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Notes
    -----
    Dtypes: float32 X trains and encodes in float32; any other X is converted to float64 and
    the model is float64. ``transform`` returns X's dtype (float32 or float64) and
    ``inverse_transform`` the codes' (float32 or float64; others as float64).

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.nn import AutoencoderTransformer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2)) @ rng.standard_normal((2, 6)) + 3.0
    >>> ae = AutoencoderTransformer(n_components=2, solver="lbfgs", max_iter=100, random_state=0)
    >>> codes = ae.fit(X).transform(X)
    >>> codes.shape
    (200, 2)
    >>> bool(np.abs(ae.inverse_transform(codes) - X).max() < 1e-3)
    True
    """

    def __init__(self, n_components: int = 2, *, hidden_layer_sizes: Sequence[int] = (),
                 activation: str = "relu", solver: str = "adam", max_iter: int = 200,
                 batch_size: Union[int, str] = "auto", learning_rate: float = 1e-3, tol: float = 1e-4,
                 n_iter_no_change: int = 10, standardize: bool = False, device: str = "cpu",
                 random_state: Any = None, verbose: int = 0) -> None:
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.standardize = standardize
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ validation
    def _check_params(self) -> dict:
        if self.solver not in _SOLVERS:
            raise ValueError(f"solver must be one of {_SOLVERS}, got {self.solver!r}")
        if not isinstance(self.standardize, (bool, np.bool_)):
            raise TypeError(f"standardize must be a bool, got {self.standardize!r}")
        if not (self.batch_size == "auto" or isinstance(self.batch_size, numbers.Integral)):
            raise ValueError(f"batch_size must be a positive int or 'auto', got {self.batch_size!r}")
        try:
            device = torch.device(self.device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(f"device must name a torch device, got {self.device!r}") from exc
        return {
            "n_components": check_positive_int(self.n_components, "n_components"),
            "hidden": check_layer_sizes(self.hidden_layer_sizes),
            "activation": check_activation(self.activation),
            "max_iter": check_positive_int(self.max_iter, "max_iter"),
            "batch_size": None if self.batch_size == "auto" else check_positive_int(self.batch_size, "batch_size"),
            "learning_rate": check_real(self.learning_rate, "learning_rate", low=0.0),
            "tol": check_real(self.tol, "tol", low=0.0),
            "n_iter_no_change": check_positive_int(self.n_iter_no_change, "n_iter_no_change"),
            "device": device,
        }

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None) -> "AutoencoderTransformer":
        """Train the autoencoder on X (dense, n_samples × n_features).

        Returns
        -------
        self
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=True)
        params = self._check_params()
        self.mean_ = X.mean(axis=0, dtype=np.float64)
        scale = X.std(axis=0, dtype=np.float64) if self.standardize else np.ones(X.shape[1])
        scale[scale == 0.0] = 1.0
        self.scale_ = scale
        dtype = torch.float32 if X.dtype == np.float32 else torch.float64
        data = torch.from_numpy(((X - self.mean_) / self.scale_).astype(X.dtype)).to(params["device"])

        seeds = np.random.default_rng(check_seed(self.random_state)).integers(0, 2**62, size=2)
        model = MLPAutoencoder(X.shape[1], params["n_components"], params["hidden"], params["activation"],
                               random_state=int(seeds[0])).to(dtype=dtype, device=params["device"])
        order_generator = torch.Generator().manual_seed(int(seeds[1]))
        self.loss_curve_: list = []
        model.train()
        if self.solver == "lbfgs":
            converged = self._fit_lbfgs(model, data, params)
        else:
            converged = self._fit_adam(model, data, params, order_generator)
        model.eval()
        self.model_ = model
        self.n_iter_ = len(self.loss_curve_)
        if not converged:
            warnings.warn(f"AutoencoderTransformer: max_iter={params['max_iter']} reached before the loss "
                          "stopped improving; increase max_iter", ConvergenceWarning, stacklevel=2)
        return self

    def _stalled(self, loss: float, state: dict, params: dict) -> bool:
        """Record the loss; True once it has not improved by tol·best for n_iter_no_change steps."""
        self.loss_curve_.append(loss)
        best = state.get("best", np.inf)
        if not np.isfinite(loss):
            raise FloatingPointError(f"AutoencoderTransformer: the loss became {loss} at iteration "
                                     f"{len(self.loss_curve_)}; lower learning_rate or standardize X")
        state["stall"] = state.get("stall", 0) + 1 if loss > best - params["tol"] * abs(best) else 0
        state["best"] = min(best, loss)
        return state["stall"] >= params["n_iter_no_change"]

    @staticmethod
    def _loss(model: MLPAutoencoder, batch: torch.Tensor) -> torch.Tensor:
        return (model(batch) - batch).square().sum(dim=1).mean()

    def _fit_adam(self, model, data, params, order_generator) -> bool:
        n = data.shape[0]
        batch = min(n, params["batch_size"] or 200)
        optimizer = torch.optim.Adam(model.parameters(), lr=params["learning_rate"])
        state: dict = {}
        with Progress(params["max_iter"], "AutoencoderTransformer(adam)", self.verbose) as progress:
            for _ in range(params["max_iter"]):
                order = torch.randperm(n, generator=order_generator).to(data.device)
                total = 0.0
                for start in range(0, n, batch):
                    rows = data[order[start:start + batch]]
                    optimizer.zero_grad(set_to_none=True)
                    loss = self._loss(model, rows)
                    loss.backward()
                    optimizer.step()
                    total += float(loss.detach()) * rows.shape[0]
                progress.update(loss=total / n)
                if self._stalled(total / n, state, params):
                    return True
        return False

    def _fit_lbfgs(self, model, data, params) -> bool:
        # One L-BFGS iteration per step (the curvature history persists between steps), so that
        # each iteration is recorded and counted like an adam epoch.
        optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=1, max_eval=25, history_size=20,
                                      line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            optimizer.zero_grad(set_to_none=True)
            loss = self._loss(model, data)
            loss.backward()
            return loss.detach()  # L-BFGS reads the gradients from the parameters

        state: dict = {}
        with Progress(params["max_iter"], "AutoencoderTransformer(lbfgs)", self.verbose) as progress:
            for _ in range(params["max_iter"]):
                loss = float(optimizer.step(closure))
                progress.update(loss=loss)
                if self._stalled(loss, state, params):
                    return True
        return False

    # ------------------------------------------------------------------ encode / decode
    def _dtype(self) -> torch.dtype:
        return next(self.model_.parameters()).dtype

    def transform(self, X) -> np.ndarray:
        """Codes of the rows of X (n_samples × n_components), in X's float dtype."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._map(self.model_.encode, (X - self.mean_) / self.scale_, X.dtype, self.model_.latent_dim)

    def inverse_transform(self, X) -> np.ndarray:
        """Rows of the original scale (mean added back) decoded from codes (n_samples × n_components)."""
        check_is_fitted(self)
        codes = np.asarray(X)
        width = self.model_.latent_dim
        if codes.ndim != 2 or codes.shape[1] != width:
            raise ValueError(f"X: expected codes of shape (n_samples, {width}), got {codes.shape}")
        out_dtype = codes.dtype if codes.dtype in (np.float32, np.float64) else np.float64
        decoded = self._map(self.model_.decode, codes, np.float64, self.n_features_in_)
        return (decoded * self.scale_ + self.mean_).astype(out_dtype, copy=False)

    def _map(self, function, rows: np.ndarray, out_dtype, width: int) -> np.ndarray:
        device = next(self.model_.parameters()).device
        out = np.empty((rows.shape[0], width), dtype=out_dtype)
        with torch.no_grad():
            for start in range(0, rows.shape[0], _CHUNK_ROWS):
                chunk = torch.from_numpy(np.array(rows[start:start + _CHUNK_ROWS], dtype=np.float64))
                result = function(chunk.to(device=device, dtype=self._dtype()))
                out[start:start + _CHUNK_ROWS] = result.cpu().numpy()
        return out

    def score(self, X, y=None) -> float:
        """Negative mean squared reconstruction error per row, ``-‖X - X̂‖²_F / n``, on X's scale
        (higher is better)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        recon = self.inverse_transform(self.transform(X).astype(np.float64))
        return -float(np.sum((X.astype(np.float64) - recon) ** 2)) / X.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @property
    def _n_features_out(self) -> int:
        return self.model_.latent_dim

"""Neural models and differentiable losses on PyTorch (the ``nn`` extra).

``import unsup`` never imports torch; importing ``unsup.nn`` does, and raises an ImportError
naming the extra when torch is missing. Install it with ``pip install torch==2.13.0`` (the CPU
build) and then ``pip install "unsup[nn]"``.

The models share the semantics of the numpy estimators and kernels: ``unsup.nn.dynamic_routing``
and ``unsup.nn.em_routing`` compute what ``unsup.cluster.dynamic_routing`` and
``unsup.cluster.em_routing`` compute, differentiably, on torch tensors.
"""

from __future__ import annotations

try:
    import torch as _torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "unsup.nn needs PyTorch, which is the optional 'nn' extra: "
        "pip install torch==2.13.0 && pip install 'unsup[nn]'"
    ) from exc

from unsup.nn.autoencoder import MLPAutoencoder  # noqa: E402
from unsup.nn.autoencoder_transformer import AutoencoderTransformer  # noqa: E402
from unsup.nn.vmf_vae import VMFVAE, VMFVAEOutput  # noqa: E402

__all__ = ["AutoencoderTransformer", "MLPAutoencoder", "VMFVAE", "VMFVAEOutput"]

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
    import torch as _torch
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "unsup.nn needs PyTorch, which is the optional 'nn' extra: "
        "pip install torch==2.13.0 && pip install 'unsup[nn]'"
    ) from exc
del _torch

from unsup.nn.autoencoder import MLPAutoencoder
from unsup.nn.autoencoder_transformer import AutoencoderTransformer
from unsup.nn.capsules import CapsuleLayer, EMCapsuleLayer
from unsup.nn.contrastive import FlatNCEOutput, flatnce, in_batch_scores, infonce
from unsup.nn.gumbel import gumbel_softmax, gumbel_temperature
from unsup.nn.hsic import hsic
from unsup.nn.orthogonality import self_orthogonality
from unsup.nn.routing import dynamic_routing, em_routing, squash
from unsup.nn.vmf_vae import VMFVAE, VMFVAEOutput

__all__ = [
    "AutoencoderTransformer",
    "CapsuleLayer",
    "EMCapsuleLayer",
    "FlatNCEOutput",
    "MLPAutoencoder",
    "VMFVAE",
    "VMFVAEOutput",
    "dynamic_routing",
    "em_routing",
    "flatnce",
    "gumbel_softmax",
    "gumbel_temperature",
    "hsic",
    "in_batch_scores",
    "infonce",
    "self_orthogonality",
    "squash",
]

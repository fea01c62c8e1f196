"""Small linear-algebra tools (numpy only): Householder maps and Nyström approximations.

Functions
---------
householder_map
    The reflection ``I - 2 v vᵀ`` that maps a vector onto another of the same norm.
householder_reflect
    The same reflection applied to vectors without forming the d × d matrix.
iterative_pinv
    The Nyströmformer's matrix-product iteration for the Moore–Penrose pseudo-inverse.
softmax_attention
    Exact softmax attention ``softmax(Q Kᵀ / √d)`` (the reference of the approximation).

Classes
-------
NystromApproximation
    Nyström (Nyströmformer) approximation of softmax attention from m landmarks.
"""

from unsup.linalg.householder import householder_map, householder_reflect
from unsup.linalg.pseudo_inverse import iterative_pinv
from unsup.linalg.nystrom import NystromApproximation, softmax_attention

__all__ = ["NystromApproximation", "householder_map", "householder_reflect", "iterative_pinv", "softmax_attention"]

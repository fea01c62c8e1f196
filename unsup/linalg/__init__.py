"""Small linear-algebra tools (numpy only): Householder maps and Nyström approximations.

Functions
---------
householder_map
    The reflection ``I - 2 v vᵀ`` that maps a vector onto another of the same norm.
householder_reflect
    The same reflection applied to vectors without forming the d × d matrix.
"""

from unsup.linalg.householder import householder_map, householder_reflect

__all__ = ["householder_map", "householder_reflect"]

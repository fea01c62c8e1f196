"""Community detection on graphs: the map equation (InfoMap) and modularity (Louvain).

Functions take networkx graphs (any hashable nodes), scipy sparse adjacency matrices or
numpy edge arrays; :class:`InfoMap` is a scikit-learn estimator that also clusters feature
rows through a kNN graph. :func:`louvain_communities` is also a networkx backend
(``nx.community.louvain_communities(G, backend="unsup")``).

The public names load on first use, so that networkx, which reads this package's backend
information whenever it is imported, does not pay for scikit-learn and the compiled core.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__all__ = ["Codelength", "HierarchyModule", "InfoMap", "InfomapTree", "codelength", "hierarchical_codelength",
           "infomap_communities", "infomap_hierarchy", "louvain_communities", "map_equation", "modularity"]

_HOME = {
    "Codelength": "map_equation",
    "codelength": "map_equation",
    "map_equation": "map_equation",
    "HierarchyModule": "hierarchy",
    "InfomapTree": "hierarchy",
    "hierarchical_codelength": "hierarchy",
    "infomap_hierarchy": "hierarchy",
    "InfoMap": "infomap",
    "infomap_communities": "infomap",
    "louvain_communities": "louvain",
    "modularity": "louvain",
}


class _Package(types.ModuleType):
    """This package: public names load lazily and are never shadowed by a submodule.

    Importing submodule ``unsup.graph.map_equation`` would otherwise bind the package
    attribute ``map_equation`` to the module instead of the function.
    """

    def __getattr__(self, name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{self.__name__}.{home}"), name)
        types.ModuleType.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOME and isinstance(value, types.ModuleType):
            return  # the import system binding a submodule: keep the public function
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self) -> list:
        return sorted(set(self.__dict__) | set(_HOME))


sys.modules[__name__].__class__ = _Package

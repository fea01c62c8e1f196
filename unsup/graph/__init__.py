"""Community detection on graphs with the map equation (InfoMap).

Functions take networkx graphs (any hashable nodes), scipy sparse adjacency matrices or
numpy edge arrays; :class:`InfoMap` is a scikit-learn estimator that also clusters feature
rows through a kNN graph.
"""

from unsup.graph.infomap import InfoMap, infomap_communities
from unsup.graph.map_equation import Codelength, codelength, map_equation

__all__ = ["Codelength", "InfoMap", "codelength", "infomap_communities", "map_equation"]

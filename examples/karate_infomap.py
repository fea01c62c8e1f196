"""Communities of Zachary's karate club with InfoMap, compared with Louvain by codelength."""

import networkx as nx

from unsup.graph import codelength, infomap_communities

G = nx.karate_club_graph()
found = infomap_communities(G, seed=1)
louvain = nx.community.louvain_communities(G, seed=1)
print(f"InfoMap: {len(found)} modules, {codelength(G, found):.4f} bits")
print(f"Louvain: {len(louvain)} modules, {codelength(G, louvain):.4f} bits")
print(f"one module: {codelength(G, [set(G)]):.4f} bits")
for i, community in enumerate(found):
    print(i, sorted(community))

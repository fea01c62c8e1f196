"""unsup as a networkx backend: entry points, dispatch, the conversion cache, and networkx's own
Louvain and modularity tests run through unsup with networkx's dispatch test mode."""

import importlib.metadata
import os
import random
import re
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import unsup
from unsup.graph import louvain_communities, modularity
from unsup.graph import networkx_backend as backend

UNSUP_ROOT = str(Path(unsup.__file__).resolve().parent.parent)


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter that imports this unsup first."""
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([UNSUP_ROOT, os.environ.get("PYTHONPATH", "")]),
                **env}
    return subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, env=full_env,
                          timeout=300)


@pytest.fixture(autouse=True)
def quiet_cache_note():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Note: conversions to backend graphs are saved to cache")
        yield


def test_entry_points_are_registered():
    backends = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="networkx.backends")}
    infos = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="networkx.backend_info")}
    assert backends.get("unsup") == "unsup.graph.networkx_backend:backend_interface"
    assert infos.get("unsup") == "unsup.graph.networkx_backend:get_info"
    assert "unsup" in nx.utils.backends.backends
    assert "louvain_communities" in nx.utils.backends.backend_info["unsup"]["functions"]


def test_backend_info():
    info = backend.get_info()
    assert info["backend_name"] == "unsup" and info["package"] == "unsup" and info["project"] == "unsup"
    assert set(info["functions"]) == {"louvain_communities", "modularity"}
    for name in info["functions"]:
        assert hasattr(backend.backend_interface, name)


def test_importing_networkx_stays_light():
    out = run_python(
        "import sys, networkx as nx\n"
        "assert 'unsup' in nx.utils.backends.backend_info, nx.utils.backends.backend_info\n"
        "heavy = [m for m in ('sklearn', 'unsup._core', 'unsup.graph.infomap') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from unsup.graph import map_equation, louvain_communities\n"
        "import unsup.graph.map_equation\n"
        "from unsup.graph import map_equation as again\n"
        "assert callable(map_equation) and again is map_equation\n"
        "print('ok')\n")
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


def test_dispatch_with_backend_keyword_and_cache():
    G = nx.karate_club_graph()
    found = nx.community.louvain_communities(G, backend="unsup", seed=3)
    # networkx turns the seed into a random.Random before dispatching.
    assert found == louvain_communities(G, seed=random.Random(3))
    assert nx.community.is_partition(G, found)
    cache = G.__networkx_cache__["backends"]["unsup"]
    converted = list(cache.values())
    assert len(converted) == 1 and isinstance(converted[0], backend.UnsupGraph)
    assert nx.community.louvain_communities(G, backend="unsup", seed=3) == found
    assert list(cache.values()) == converted  # the cached conversion was reused
    q = nx.community.modularity(G, found, backend="unsup")
    assert q == pytest.approx(nx.community.modularity(G, found, backend="networkx"), abs=1e-12)
    # Adding an edge clears the cache.
    G.add_edge(0, 33, weight=2.0)
    assert not G.__networkx_cache__.get("backends", {}).get("unsup")


@pytest.mark.parametrize("kind", ["directed", "multigraph", "unweighted", "strings"])
def test_dispatch_on_graph_kinds(kind):
    if kind == "directed":
        G = nx.gn_graph(200, seed=1234)
        kwargs = {}
    elif kind == "multigraph":
        G = nx.MultiGraph(nx.karate_club_graph())
        G.add_edge(0, 1, weight=9)
        kwargs = {}
    elif kind == "unweighted":
        G = nx.karate_club_graph()
        kwargs = {"weight": None}
    else:
        G = nx.relabel_nodes(nx.les_miserables_graph(), lambda s: s.upper())
        kwargs = {}
    found = nx.community.louvain_communities(G, backend="unsup", seed=5, **kwargs)
    assert nx.community.is_partition(G, found)
    assert found == louvain_communities(G, seed=random.Random(5), **kwargs)
    ours = modularity(G, found, **kwargs)
    assert ours == pytest.approx(nx.community.modularity(G, found, backend="networkx", **kwargs), abs=1e-12)


def test_extra_parameters_pass_through():
    G = nx.karate_club_graph()
    found = nx.community.louvain_communities(G, backend="unsup", seed=2, n_trials=3, resolution=1.5)
    assert found == louvain_communities(G, seed=random.Random(2), n_trials=3, resolution=1.5)


@pytest.mark.parametrize("make", [lambda: np.random.RandomState(3), lambda: np.random.default_rng(3)])
def test_numpy_seeds_through_networkx(make):
    G = nx.karate_club_graph()
    a = nx.community.louvain_communities(G, backend="unsup", seed=make())
    assert a == nx.community.louvain_communities(G, backend="unsup", seed=make())


def test_priority_dispatches_and_falls_back_on_unusable_weights():
    saved = list(nx.config.backend_priority.algos)
    nx.config.backend_priority.algos = ["unsup"]
    try:
        G = nx.karate_club_graph()
        assert nx.community.louvain_communities(G, seed=4) == louvain_communities(G, seed=random.Random(4))
        H = nx.karate_club_graph()
        H[0][1]["weight"] = -1.0  # unsup declines negative weights: networkx runs instead
        assert nx.community.is_partition(H, nx.community.louvain_communities(H, seed=4))
    finally:
        nx.config.backend_priority.algos = saved
    H = nx.karate_club_graph()
    H[0][1]["weight"] = float("nan")
    with pytest.raises(NotImplementedError) as info:
        nx.community.louvain_communities(H, backend="unsup")
    chain, exc = [], info.value
    while exc is not None:
        chain.append(str(exc))
        exc = exc.__cause__
    assert any("weight" in text and "unsup" in text for text in chain), chain


def test_priority_from_environment():
    out = run_python(
        "import logging, random, networkx as nx\n"
        "logging.basicConfig(level=logging.DEBUG)\n"
        "G = nx.karate_club_graph()\n"
        "found = nx.community.louvain_communities(G, seed=7)\n"
        "from unsup.graph import louvain_communities\n"
        "assert found == louvain_communities(G, seed=random.Random(7))\n"
        "print('ok')\n",
        NETWORKX_BACKEND_PRIORITY="unsup")
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr
    assert "Using backend 'unsup'" in out.stderr


def test_conversion_round_trip():
    G = nx.les_miserables_graph()
    converted = backend.convert_from_nx(G, edge_attrs={"weight": 1})
    assert converted.is_directed() is False and converted.number_of_nodes() == len(G)
    H = backend.convert_to_nx(converted)
    assert set(H) == set(G)
    assert {frozenset(e) for e in H.edges()} == {frozenset(e) for e in G.edges()}
    for u, v, w in G.edges(data="weight"):
        assert H[u][v]["weight"] == w
    assert backend.convert_to_nx([{1, 2}]) == [{1, 2}]
    # A default other than 1 for a missing attribute.
    K = nx.Graph([(0, 1, {"w": 3.0}), (1, 2)])
    a = backend.convert_from_nx(K, edge_attrs={"w": 0.5}).adjacency("w").matrix.toarray()
    np.testing.assert_allclose(a, [[0, 3, 0], [3, 0, 0.5], [0, 0.5, 0]])
    with pytest.raises(ValueError, match="converted with"):
        converted.adjacency("other")


def test_networkx_own_tests_through_the_backend():
    """networkx's Louvain and modularity tests in its dispatch test mode (every call converted to
    unsup, functions unsup lacks fall back to networkx). Tests that assert networkx's exact
    partition for a seed are marked xfail by the backend's ``on_start_tests``."""
    nx_root = Path(nx.__file__).resolve().parent
    tests = [nx_root / "algorithms" / "community" / "tests" / name for name in ("test_louvain.py", "test_quality.py")]
    if not all(t.exists() for t in tests) or not (nx_root / "conftest.py").exists():
        pytest.skip("networkx's test files are not installed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([UNSUP_ROOT, os.environ.get("PYTHONPATH", "")]),
           "NETWORKX_TEST_BACKEND": "unsup", "NETWORKX_FALLBACK_TO_NX": "True"}
    out = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib", "-rxX",
         *(str(t.relative_to(nx_root.parent)) for t in tests)],
        cwd=nx_root.parent, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    summary = out.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and not re.search(r"\d+ (failed|errors?)\b", summary), summary

"""The empty-cluster policy of unsup's K-means, in numpy: an oracle shared by the K-means tests."""

import numpy as np


def relocate_empty(rows, labels, dist, sums, mass, w):
    """Moves every empty cluster (mass <= 0) onto the row farthest from its centre (largest
    `dist` first, ties by row order) whose own cluster keeps some mass and whose weight is
    positive, taking the row out of its cluster; `rows` are the vectors summed (X, or unit rows
    for cosine). Updates sums and mass in place."""
    order = np.argsort(-dist, kind="stable")
    taken = 0
    for e in np.flatnonzero(mass <= 0):
        while taken < len(order):
            row = order[taken]
            taken += 1
            if w[row] > 0 and mass[labels[row]] > w[row]:
                break
        else:
            break
        old = labels[row]
        sums[old] -= w[row] * rows[row]
        mass[old] -= w[row]
        sums[e] = w[row] * rows[row]
        mass[e] = w[row]

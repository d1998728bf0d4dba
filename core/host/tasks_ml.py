"""scikit-learn workloads on a California-housing-shaped table (20640 rows x 8 features).

The real data set is used only when scikit-learn already has it on disk; otherwise a table of
the same shape is generated with a fixed seed, so nothing is ever downloaded at run time.
Heavy imports happen inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from functools import cache
from typing import Any

ROWS, FEATURES = 20640, 8
SEED = 0
#: Inner (BLAS/OpenMP) threads per task, set by the run host through :func:`configure`.
_inner_threads: int | None = 1


def configure(inner_threads: int | None) -> None:
    """Set how many BLAS/OpenMP threads each task may use (None: the library's default)."""
    global _inner_threads
    _inner_threads = inner_threads


@cache
def housing() -> tuple[Any, Any, str]:
    """(X, y, source): the real California housing data if cached on disk, else generated."""
    from sklearn.datasets import fetch_california_housing

    try:
        data = fetch_california_housing(download_if_missing=False)
        return data.data, data.target, "california_housing"
    except OSError:
        return (*_generated_housing(), "generated 20640x8 (seed 0)")


def _generated_housing() -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(ROWS, FEATURES))
    coef = rng.normal(size=FEATURES)
    # A little non-linearity so that trees have something to find.
    y = X @ coef + 0.5 * np.sin(3 * X[:, 0]) * X[:, 1] + rng.normal(scale=0.3, size=ROWS)
    return X, y


@cache
def grouped_table(groups: int, rows_per_group: int) -> Any:
    """A table with a ``group`` column, as in per-store or per-region modelling."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(SEED)
    n = groups * rows_per_group
    X = rng.normal(size=(n, FEATURES))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(FEATURES)])
    frame["group"] = np.repeat(np.arange(groups), rows_per_group)
    frame["y"] = X[:, :3].sum(axis=1) + np.sin(frame["group"]) + rng.normal(scale=0.3, size=n)
    return frame


def _limits() -> Any:
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=_inner_threads)


def prepare(size: int) -> None:
    """Import scikit-learn and load the table before the clock starts (forked workers inherit it)."""
    import sklearn.ensemble
    import sklearn.linear_model  # noqa: F401

    housing()


def linreg(index: int, size: int) -> float:
    """``size`` fits of train_test_split + LinearRegression: NumPy releases the GIL in places."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    X, y, _ = housing()
    score = 0.0
    with _limits():
        for k in range(size):
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=index * 1000 + k)
            score = LinearRegression().fit(X_tr, y_tr).score(X_te, y_te)
    return float(score)


def forest(index: int, size: int) -> float:
    """RandomForestRegressor(n_estimators=size, n_jobs=1): long tasks, mostly in Cython."""
    from sklearn.ensemble import RandomForestRegressor

    X, y, _ = housing()
    with _limits():
        model = RandomForestRegressor(n_estimators=size, n_jobs=1, random_state=index)
        model.fit(X, y)
    return float(model.score(X[:1000], y[:1000]))


GROUPS_DEFAULT = 8


def prepare_groups(size: int) -> None:
    import sklearn.ensemble  # noqa: F401

    grouped_table(GROUPS_DEFAULT, size)


def groups(index: int, size: int) -> float:
    """One HistGradientBoostingRegressor for group ``index`` (``size`` rows per group),
    limited to the configured inner threads: oversubscription when workers x threads > cores."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    table = grouped_table(GROUPS_DEFAULT, size)
    part = table[table["group"] == index % GROUPS_DEFAULT]
    X, y = part.drop(columns=["group", "y"]).to_numpy(), part["y"].to_numpy()
    with _limits():
        model = HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=0)
        model.fit(X, y)
    return float(model.score(X, y))

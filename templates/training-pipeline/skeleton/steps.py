"""The steps of the training pipeline: data validation, training, evaluation.

Plain Python, so that every orchestrator runs the same code and the tests
exercise it directly. Rows are dicts with numeric features and a `label`.
"""

import math
import random
from typing import Iterable

LABEL = "label"


def validate_data(rows: Iterable[dict], min_rows: int = 10) -> list[dict]:
    """Drops rows with missing or non-numeric values; fails when too few remain."""
    rows = list(rows)
    if not rows:
        raise ValueError("no rows to validate")
    features = sorted(k for k in rows[0] if k != LABEL)
    if not features:
        raise ValueError("rows have no feature columns")
    valid = [
        r
        for r in rows
        if LABEL in r
        and all(isinstance(r.get(f), (int, float)) and math.isfinite(r[f]) for f in features)
    ]
    if len(valid) < min_rows:
        raise ValueError(f"only {len(valid)} valid rows of {len(rows)}; need {min_rows}")
    return valid


def train(rows: list[dict], epochs: int = 200, learning_rate: float = 0.1) -> dict:
    """{% if values.modelType == 'regression' %}Least-squares linear regression{% else %}Logistic regression{% endif %} by gradient descent; returns weights."""
    features = sorted(k for k in rows[0] if k != LABEL)
    weights = {f: 0.0 for f in features}
    bias = 0.0
    for _ in range(epochs):
        grad = {f: 0.0 for f in features}
        grad_b = 0.0
        for r in rows:
            error = _predict_one(weights, bias, r) - r[LABEL]
            for f in features:
                grad[f] += error * r[f]
            grad_b += error
        for f in features:
            weights[f] -= learning_rate * grad[f] / len(rows)
        bias -= learning_rate * grad_b / len(rows)
    return {"weights": weights, "bias": bias}


def _predict_one(weights: dict, bias: float, row: dict) -> float:
    z = bias + sum(w * row[f] for f, w in weights.items())
{%- if values.modelType == 'regression' %}
    return z
{%- else %}
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))
{%- endif %}


def predict(model: dict, rows: list[dict]) -> list[float]:
    return [_predict_one(model["weights"], model["bias"], r) for r in rows]


def evaluate(model: dict, rows: list[dict]) -> dict:
    """Headline metrics on the evaluation rows."""
    scores = predict(model, rows)
    labels = [r[LABEL] for r in rows]
{%- if values.modelType == 'regression' %}
    rmse = math.sqrt(sum((s - y) ** 2 for s, y in zip(scores, labels)) / len(rows))
    return {"rmse": rmse}
{%- else %}
    accuracy = sum((s >= 0.5) == bool(y) for s, y in zip(scores, labels)) / len(rows)
    return {"accuracy": accuracy, "auc": _auc(scores, labels)}


def _auc(scores: list[float], labels: list[int]) -> float:
    positives = [s for s, y in zip(scores, labels) if y]
    negatives = [s for s, y in zip(scores, labels) if not y]
    if not positives or not negatives:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))
{%- endif %}


def passes_gate(metrics: dict) -> bool:
    """Whether the model is good enough to register."""
{%- if values.modelType == 'regression' %}
    return metrics["rmse"] < 1.0
{%- else %}
    return metrics["auc"] >= 0.7
{%- endif %}


def sample_rows(n: int = 200, seed: int = 7) -> list[dict]:
    """Synthetic rows for tests and local runs."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
{%- if values.modelType == 'regression' %}
        rows.append({"a": a, "b": b, LABEL: 2 * a - b + rng.gauss(0, 0.1)})
{%- else %}
        rows.append({"a": a, "b": b, LABEL: int(2 * a - b + rng.gauss(0, 0.3) > 0)})
{%- endif %}
    return rows

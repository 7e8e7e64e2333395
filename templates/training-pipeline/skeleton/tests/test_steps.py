"""The steps of the training pipeline."""

import pathlib

import pytest
import yaml

import steps

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_validation_drops_bad_rows_and_refuses_too_few():
    rows = steps.sample_rows(20)
    rows.append({"a": float("nan"), "b": 1.0, "label": 1})
    rows.append({"a": "x", "b": 1.0, "label": 0})
    assert len(steps.validate_data(rows)) == 20
    with pytest.raises(ValueError, match="only 2 valid rows"):
        steps.validate_data(steps.sample_rows(2))


def test_training_beats_the_gate_on_learnable_data():
    rows = steps.validate_data(steps.sample_rows(300))
    model = steps.train(rows[:200])
    metrics = steps.evaluate(model, rows[200:])
    assert steps.passes_gate(metrics), metrics


def test_catalog_entities_name_the_model_and_datasets():
    docs = list(yaml.safe_load_all((ROOT / "catalog-info.yaml").read_text()))
    pipeline = next(d for d in docs if d["kind"] == "Pipeline")
    model = next(d for d in docs if d["kind"] == "Model")
    assert pipeline["spec"]["produces"] == [${{ ('model:default/' + values.modelName) | dump }}]
    assert model["spec"]["producedBy"] == ${{ ('pipeline:default/' + values.name) | dump }}
    assert set(model["spec"]["trainedOn"]) <= set(pipeline["spec"]["consumes"])

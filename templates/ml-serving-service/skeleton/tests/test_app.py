"""Tests of the service against a small pyfunc model saved for the test."""

import pathlib

import mlflow.pyfunc
import pytest
import yaml
from fastapi.testclient import TestClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


class SumTimesTwo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return (model_input.sum(axis=1) * 2).tolist()


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model"
    mlflow.pyfunc.save_model(str(path), python_model=SumTimesTwo())
    mp = pytest.MonkeyPatch()
    mp.setenv("MODEL_URI", str(path))
    from app.main import app

    with TestClient(app) as test_client:
        yield test_client
    mp.undo()


def test_health_names_the_model(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["model_uri"].endswith("model")


def test_predicts_each_instance(client):
    response = client.post("/predict", json={"instances": [{"a": 1, "b": 2}, {"a": 0.5, "b": 0}]})
    assert response.status_code == 200
    assert response.json()["predictions"] == [6, 1.0]


def test_rejects_an_empty_batch(client):
    response = client.post("/predict", json={"instances": []})
    assert response.status_code == 422


def test_rejects_a_malformed_request(client):
    response = client.post("/predict", json={"rows": [1, 2]})
    assert response.status_code == 422


def test_catalog_api_describes_the_app(client):
    docs = list(yaml.safe_load_all((ROOT / "catalog-info.yaml").read_text()))
    api = next(d for d in docs if d["kind"] == "API")
    definition = yaml.safe_load(api["spec"]["definition"])
    served = client.get("/openapi.json").json()["paths"]
    assert set(definition["paths"]) == set(served)
    for path, operations in definition["paths"].items():
        assert set(operations) == set(served[path])

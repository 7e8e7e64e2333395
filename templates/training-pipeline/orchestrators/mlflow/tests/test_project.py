"""The MLflow project end to end against a local MLflow store."""

import mlflow
import yaml
from mlflow import MlflowClient

import train


def test_run_logs_datasets_metrics_and_registers_the_model(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    result = train.run(epochs=150)
    assert result["registered"], result["metrics"]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run = client.get_run(result["run_id"])
    contexts = {
        i.dataset.name: {t.value for t in i.tags if t.key == "mlflow.data.context"}
        for i in run.inputs.dataset_inputs
    }
    assert contexts[${{ values.evaluationDataset | parseEntityRef | pick('name') | dump }}] == {"evaluation"}
{%- for dataset in values.trainingDatasets %}
{%- if dataset != values.evaluationDataset %}
    assert contexts[${{ dataset | parseEntityRef | pick('name') | dump }}] == {"training"}
{%- endif %}
{%- endfor %}
    assert set(result["metrics"]) <= set(run.data.metrics)
    versions = client.search_model_versions(${{ ("name='" + values.modelName + "'") | dump }})
    assert [v.run_id for v in versions] == [result["run_id"]]


def test_mlproject_names_the_entry_point():
    project = yaml.safe_load(open("MLproject"))
    assert project["name"] == ${{ values.name | dump }}
    assert "train.py" in project["entry_points"]["main"]["command"]

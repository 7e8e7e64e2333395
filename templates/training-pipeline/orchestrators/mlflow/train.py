"""The training pipeline as an MLflow project: validate, train, evaluate, register.

Run with `mlflow run .` (or `python train.py`) against MLFLOW_TRACKING_URI.
The version is registered as MODEL_NAME only when it passes the quality gate
in steps.passes_gate.
"""

import argparse

import mlflow
from mlflow.data.http_dataset_source import HTTPDatasetSource
from mlflow.data.meta_dataset import MetaDataset

import steps

# Template values are written as JSON strings, which are Python string literals.
MODEL_NAME = ${{ values.modelName | dump }}
TRAINING = {
{%- for dataset in values.trainingDatasets %}
{%- set name = dataset | parseEntityRef | pick('name') %}
    ${{ name | dump }}: ${{ ('https://data.example.com/' + name + '.json') | dump }},
{%- endfor %}
}
{%- set evaluation = values.evaluationDataset | parseEntityRef | pick('name') %}
EVALUATION = (
    ${{ evaluation | dump }},
    ${{ ('https://data.example.com/' + evaluation + '.json') | dump }},
)


class StepsModel(mlflow.pyfunc.PythonModel):
    """The trained weights as an MLflow pyfunc model."""

    def __init__(self, model: dict):
        self.model = model

    def predict(self, context, model_input, params=None):
        return steps.predict(self.model, model_input.to_dict(orient="records"))


def load_rows(url: str) -> list[dict]:
    """Rows of a dataset; synthetic here until the real source is wired in."""
    return steps.sample_rows(seed=sum(map(ord, url)) % 1000)


def run(epochs: int = 200, learning_rate: float = 0.1, loader=load_rows) -> dict:
    with mlflow.start_run(run_name=${{ values.name | dump }}) as active:
        rows = []
        for name, url in TRAINING.items():
            mlflow.log_input(MetaDataset(HTTPDatasetSource(url), name=name), context="training")
            rows += loader(url)
        mlflow.log_input(
            MetaDataset(HTTPDatasetSource(EVALUATION[1]), name=EVALUATION[0]), context="evaluation"
        )
        training = steps.validate_data(rows)
        evaluation = steps.validate_data(loader(EVALUATION[1]))
        mlflow.log_params({"epochs": epochs, "learning_rate": learning_rate, "rows": len(training)})
        model = steps.train(training, epochs=epochs, learning_rate=learning_rate)
        metrics = steps.evaluate(model, evaluation)
        mlflow.log_metrics(metrics)
        registered = steps.passes_gate(metrics)
        mlflow.pyfunc.log_model(
            name="model",
            python_model=StepsModel(model),
            pip_requirements=["mlflow-skinny>=3.1,<4", "pandas>=2.2,<3"],
            registered_model_name=MODEL_NAME if registered else None,
        )
        return {"run_id": active.info.run_id, "metrics": metrics, "registered": registered}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    args = parser.parse_args()
    print(run(args.epochs, args.learning_rate))

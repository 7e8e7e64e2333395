"""Seeds an MLflow store with N registered models x V versions for bench/mlflow.

Each version is registered the MLflow 3 way: a run (two params, a training and
an evaluation dataset input) logs a model, a LoggedModel with its own params;
the run's two metrics are logged on that model too (MLflow 3 links them to
both), and the model version registers the logged model (`model_id`, source
`models:/<model id>`). So the provider reads, per version, the run and the
logged model. The newest version of every model carries the alias `champion`.
Writes through MLflow's own client straight into the server's SQLite store (the
REST API would take far longer for 15,000 versions).

Usage: python seed.py <sqlite-db-path> <models> <versions>
"""
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param

db, models, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
uri = f"sqlite:///{db}"
# The registry looks the logged model up through a default client: point it here too.
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
experiment_id = client.create_experiment("bench")
started = time.time()
for m in range(models):
    name = f"bench-model-{m:05d}"
    client.create_registered_model(name, tags={"owner": f"team-{m % 20}"}, description=f"Bench model {m}")
    for v in range(versions):
        run = client.create_run(experiment_id)
        run_id = run.info.run_id
        # What mlflow.<flavor>.log_model does in MLflow 3: a LoggedModel of the run.
        logged = client.create_logged_model(
            experiment_id,
            name="model",
            source_run_id=run_id,
            params={"n_estimators": str(100 + v), "objective": "binary"},
        )
        model_id = logged.model_id
        now = int(time.time() * 1000)
        client.log_batch(
            run_id,
            metrics=[
                Metric("auc", 0.8 + v / 100, now, 0, model_id=model_id),
                Metric("recall", 0.6 + v / 100, now, 0, model_id=model_id),
            ],
            params=[Param("max_depth", str(4 + v)), Param("learning_rate", "0.1")],
        )
        client.log_inputs(
            run_id,
            datasets=[
                DatasetInput(
                    Dataset(name=f"bench-data-{m % 500:04d}", digest=f"d{m}", source_type="s3", source=f'{{"uri": "s3://bench/{m % 500}"}}'),
                    [InputTag("mlflow.data.context", "training")],
                ),
                DatasetInput(
                    Dataset(name=f"bench-holdout-{m % 500:04d}", digest=f"h{m}", source_type="s3", source=f'{{"uri": "s3://bench/h{m % 500}"}}'),
                    [InputTag("mlflow.data.context", "evaluation")],
                ),
            ],
        )
        client.finalize_logged_model(model_id, "READY")
        client.create_model_version(name, f"models:/{model_id}", run_id=run_id, model_id=model_id)
    client.set_registered_model_alias(name, "champion", str(versions))
    if (m + 1) % 500 == 0:
        print(f"  seeded {m + 1} models in {time.time() - started:.0f} s", flush=True)
print(
    f"seeded {models} models x {versions} versions (each a run and an MLflow 3 logged model) in {time.time() - started:.1f} s",
    flush=True,
)

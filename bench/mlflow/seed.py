"""Seeds an MLflow store with N registered models x V versions for bench/mlflow.

Each version has a run with two metrics, two params and a training and an
evaluation dataset input; the newest version of every model carries the
alias `champion`. Writes through MLflow's own client straight into the
server's SQLite store (the REST API would take far longer for 15,000 versions).

Usage: python seed.py <sqlite-db-path> <models> <versions>
"""
import sys
import time

from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param

db, models, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
uri = f"sqlite:///{db}"
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
experiment_id = client.create_experiment("bench")
started = time.time()
for m in range(models):
    name = f"bench-model-{m:05d}"
    client.create_registered_model(name, tags={"owner": f"team-{m % 20}"}, description=f"Bench model {m}")
    for v in range(versions):
        run = client.create_run(experiment_id)
        run_id = run.info.run_id
        now = int(time.time() * 1000)
        client.log_batch(
            run_id,
            metrics=[Metric("auc", 0.8 + v / 100, now, 0), Metric("recall", 0.6 + v / 100, now, 0)],
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
        client.create_model_version(name, f"s3://bench-models/{name}/{v + 1}", run_id=run_id)
    client.set_registered_model_alias(name, "champion", str(versions))
    if (m + 1) % 500 == 0:
        print(f"  seeded {m + 1} models in {time.time() - started:.0f} s", flush=True)
print(f"seeded {models} models x {versions} versions in {time.time() - started:.1f} s", flush=True)

"""The training pipeline on Kubeflow Pipelines v2 (kfp SDK).

Compile to the IR YAML that Kubeflow runs:  python pipeline.py pipeline.yaml
The components run in the project's image, which contains steps.py.
"""

import sys

from kfp import compiler, dsl
from kfp.dsl import Dataset, Input, Metrics, Model, Output

# Template values are written as JSON strings, which are Python string
# literals. The one name in the code that comes from a value is the model's
# output artifact (the model's name in letters, digits and _), by which the
# Kubeflow provider links the pipeline to the Model it produces.
{%- set artifact = values.modelName | replace(r/[^A-Za-z0-9]/g, '_') %}
IMAGE = ${{ ('registry.example.com/' + values.name + ':latest') | dump }}


@dsl.component(base_image=IMAGE)
def validate_data(raw: Input[Dataset], validated: Output[Dataset]):
    import json

    import steps

    rows = json.load(open(raw.path))
    json.dump(steps.validate_data(rows), open(validated.path, "w"))


@dsl.component(base_image=IMAGE)
def train(training_data: Input[Dataset], ${{ artifact }}: Output[Model]):
    import json

    import steps

    model = steps.train(json.load(open(training_data.path)))
    json.dump(model, open(${{ artifact }}.path, "w"))


@dsl.component(base_image=IMAGE)
def evaluate(model: Input[Model], evaluation_data: Input[Dataset], metrics: Output[Metrics]) -> bool:
    import json

    import steps

    scores = steps.evaluate(json.load(open(model.path)), json.load(open(evaluation_data.path)))
    for name, value in scores.items():
        metrics.log_metric(name, value)
    return steps.passes_gate(scores)


@dsl.component(base_image=IMAGE)
def register(model: Input[Model], model_name: str):
    import mlflow

    # MLFLOW_TRACKING_URI comes from the pipeline's environment.
    mlflow.register_model(model.uri, model_name)


@dsl.pipeline(name=${{ values.name | dump }}, description=${{ (values.description or 'Trains ' + values.modelName) | dump }})
def training_pipeline(
{%- for dataset in values.trainingDatasets %}
    # training_data_${{ loop.index }}: ${{ dataset | dump }}
    training_data_${{ loop.index }}_uri: str = ${{ ('s3://datasets/' + (dataset | parseEntityRef | pick('name')) + '/') | dump }},
{%- endfor %}
    evaluation_uri: str = ${{ ('s3://datasets/' + (values.evaluationDataset | parseEntityRef | pick('name')) + '/') | dump }},
):
{%- for dataset in values.trainingDatasets %}
    training_data_${{ loop.index }} = dsl.importer(
        artifact_uri=training_data_${{ loop.index }}_uri,
        artifact_class=Dataset,
        reimport=False,
        metadata={"catalog_entity": ${{ dataset | dump }}},
    )
{%- endfor %}
    evaluation = dsl.importer(
        artifact_uri=evaluation_uri,
        artifact_class=Dataset,
        reimport=False,
        metadata={"catalog_entity": ${{ values.evaluationDataset | dump }}},
    )
    validated = validate_data(raw=training_data_1.output)
    trained = train(training_data=validated.outputs["validated"])
    gate = evaluate(
        model=trained.outputs[${{ artifact | dump }}],
        evaluation_data=evaluation.output,
    )
    with dsl.If(gate.outputs["Output"] == True):  # noqa: E712 (a kfp condition, not Python)
        register(model=trained.outputs[${{ artifact | dump }}], model_name=${{ values.modelName | dump }})


if __name__ == "__main__":
    compiler.Compiler().compile(training_pipeline, sys.argv[1] if len(sys.argv) > 1 else "pipeline.yaml")

"""The Kubeflow pipeline compiles with the kfp compiler and wires the steps."""

import yaml
from kfp import compiler

import pipeline


def test_compiles_to_ir_with_dataset_and_model_artifacts(tmp_path):
    out = tmp_path / "pipeline.yaml"
    compiler.Compiler().compile(pipeline.training_pipeline, str(out))
    ir = yaml.safe_load(out.read_text())
    assert ir["pipelineInfo"]["name"] == ${{ values.name | dump }}
    assert ir["sdkVersion"].startswith("kfp-")
    outputs = ir["components"]["comp-train"]["outputDefinitions"]["artifacts"]
    assert outputs[${{ values.modelName | replace(r/[^A-Za-z0-9]/g, '_') | dump }}]["artifactType"]["schemaTitle"] == "system.Model"
    importers = [e["importer"] for e in ir["deploymentSpec"]["executors"].values() if "importer" in e]
    assert {i["metadata"]["catalog_entity"] for i in importers} == {
{%- for dataset in values.trainingDatasets %}
        ${{ dataset | dump }},
{%- endfor %}
        ${{ values.evaluationDataset | dump }},
    }
    tasks = ir["root"]["dag"]["tasks"]
    assert {"validate-data", "train", "evaluate"} <= set(tasks)

"""Serves the predictions of an MLflow model over HTTP (see README.md)."""

import math
import os
from contextlib import asynccontextmanager
from typing import Any

import mlflow.pyfunc
import pandas as pd
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

# Template values are written as JSON strings, which are Python string literals.
DEFAULT_MODEL_URI = ${{ ['models:/', values.modelName, '@', values.modelAlias] | join('') | dump }}


class PredictRequest(BaseModel):
    instances: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class PredictResponse(BaseModel):
    predictions: list[Any]
    model_uri: str


class Health(BaseModel):
    status: str
    model_uri: str


_state: dict[str, Any] = {}


@asynccontextmanager
async def lifespan(_app: FastAPI):
    # MODEL_URI overrides the registry alias, e.g. a local path in tests.
    uri = os.environ.get("MODEL_URI", DEFAULT_MODEL_URI)
    _state["model"] = mlflow.pyfunc.load_model(uri)
    _state["uri"] = uri
    yield
    _state.clear()


app = FastAPI(title=${{ values.name | dump }}, version="1.0.0", lifespan=lifespan)


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as plain JSON values."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@app.get("/health", response_model=Health)
def health() -> Health:
    return Health(status="ok", model_uri=_state["uri"])


@app.post("/predict", response_model=PredictResponse)
def predict(request: PredictRequest) -> PredictResponse:
    frame = pd.DataFrame(request.instances)
    try:
        output = _state["model"].predict(frame)
    except Exception as error:  # the model refuses the input
        raise HTTPException(status_code=422, detail=f"The model cannot score this input: {error}")
    if hasattr(output, "tolist"):
        output = output.tolist()
    predictions = [_plain(v) for v in output]
    return PredictResponse(predictions=predictions, model_uri=_state["uri"])

#!/usr/bin/env bash
# bench/mlflow/run.sh [models=400] [versions=3] [rounds=3]: the MLflow
# provider's crawl against a bare paging loop on a real MLflow server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/bootstrap.sh"
source "$REPO_ROOT/scripts/lib/python.sh"
bootstrap
ensure_python_venv
cd "$REPO_ROOT"
NODE_ENV=production node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/mlflow/run.ts "$@"

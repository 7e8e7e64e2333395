import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The Python of the repository's virtualenv (scripts/lib/python.sh creates it). */
export function venvPython(): string {
  const python =
    process.env.CONVERGENCE_PYTHON ?? path.join(REPO_ROOT, '.venv/bin/python');
  if (!fs.existsSync(python)) {
    throw new Error(
      `No Python virtualenv at ${python}: run scripts/test.sh once (it creates .venv with kfp), or set CONVERGENCE_PYTHON`,
    );
  }
  return python;
}

/**
 * Compiles fixtures/<file>.py with the real kfp compiler and returns the IR,
 * parsed: what the Kubeflow Pipelines API returns as `pipeline_spec`.
 */
export function compilePipeline(file: string): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kfp-'));
  try {
    const out = path.join(dir, 'pipeline.yaml');
    execFileSync(
      venvPython(),
      [path.resolve(__dirname, '../../fixtures', file), out],
      { stdio: 'pipe' },
    );
    return parse(fs.readFileSync(out, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { venvBin } from '@convergence/backstage-plugin-mlops-node/testUtils';

/**
 * Compiles fixtures/<file>.py with the real kfp compiler and returns the IR,
 * parsed: what the Kubeflow Pipelines API returns as `pipeline_spec`.
 */
export function compilePipeline(file: string): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kfp-'));
  try {
    const out = path.join(dir, 'pipeline.yaml');
    execFileSync(
      venvBin('python'),
      [path.resolve(__dirname, '../../fixtures', file), out],
      { stdio: 'pipe' },
    );
    return parse(fs.readFileSync(out, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

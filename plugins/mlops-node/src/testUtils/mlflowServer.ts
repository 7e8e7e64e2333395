import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The repository this package is a workspace of (plugins/mlops-node). */
const REPO_ROOT = path.resolve(
  resolvePackagePath('@convergence/backstage-plugin-mlops-node'),
  '../..',
);

/**
 * The path of an executable in the repository's Python virtualenv (`.venv`,
 * or the folder of `$CONVERGENCE_PYTHON`); throws naming how to create it.
 *
 * @public
 */
export function venvBin(name: string) {
  const python =
    process.env.CONVERGENCE_PYTHON ?? path.join(REPO_ROOT, '.venv/bin/python');
  const bin = path.join(path.dirname(python), name);
  if (!fs.existsSync(bin)) {
    throw new Error(
      `No ${name} at ${bin}: run scripts/test.sh once (it creates .venv from scripts/python-requirements.txt), or set CONVERGENCE_PYTHON`,
    );
  }
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real MLflow tracking server (PyPI `mlflow` from .venv) on 127.0.0.1 with
 * a SQLite backend store in a temporary folder. `kill()` stops it hard;
 * `start()` brings it back on the same port and data.
 *
 * @public
 */
export class MlflowServer {
  private process?: ChildProcess;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly workers: number,
    private readonly env: Record<string, string>,
  ) {}

  static async create(
    options: {
      parentDir?: string;
      workers?: number;
      env?: Record<string, string>;
    } = {},
  ): Promise<MlflowServer> {
    const dir = fs.mkdtempSync(
      path.join(options.parentDir ?? os.tmpdir(), 'mlflow-'),
    );
    const server = new MlflowServer(
      dir,
      await freePort(),
      options.workers ?? 1,
      options.env ?? {},
    );
    await server.start();
    return server;
  }

  /** The SQLite file of the backend store. */
  get databasePath() {
    return path.join(this.dir, 'mlflow.db');
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 180_000) {
    this.log = '';
    const child = spawn(
      venvBin('mlflow'),
      [
        'server',
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--workers',
        String(this.workers),
        '--backend-store-uri',
        `sqlite:///${this.databasePath}`,
        '--default-artifact-root',
        path.join(this.dir, 'artifacts'),
      ],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...this.env },
      },
    );
    child.stdout!.on('data', d => (this.log += d));
    child.stderr!.on('data', d => (this.log += d));
    this.process = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      try {
        const res = await fetch(`${this.url}/health`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      await new Promise(r => setTimeout(r, 500));
    }
    this.kill();
    throw new Error(`MLflow server did not start:\n${this.log.slice(-3000)}`);
  }

  /** Kills the server and its workers at once (SIGKILL to the process group). */
  kill() {
    const pid = this.process?.pid;
    if (pid && this.process?.exitCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.process = undefined;
  }

  async waitUntilDown() {
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${this.url}/health`);
      } catch {
        return;
      }
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('MLflow server still answers after kill');
  }

  async stop() {
    this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** POST to MLflow's REST API; throws with MLflow's message on failure. */
  async post<T = any>(endpoint: string, body: unknown): Promise<T> {
    return this.request<T>('POST', endpoint, body);
  }

  /** A request with a JSON body to MLflow's REST API; throws with MLflow's message on failure. */
  async request<T = any>(
    method: string,
    endpoint: string,
    body: unknown,
  ): Promise<T> {
    const res = await fetch(`${this.url}/api/2.0/mlflow/${endpoint}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${text}`);
    return JSON.parse(text || '{}');
  }
}

/**
 * What to seed for one registered model.
 *
 * @public
 */
export type SeedModel = {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  versions: Array<{
    metrics?: Record<string, number>;
    params?: Record<string, string>;
    datasets?: Array<{
      name: string;
      digest: string;
      source: string;
      /** The `mlflow.data.context` tag; none when undefined. */
      context?: string;
    }>;
    aliases?: string[];
    /**
     * MLflow 3: the run logs a model (a LoggedModel) with these params and
     * metrics, and the version registers it (source `models:/<model id>`).
     */
    loggedModel?: {
      params?: Record<string, string>;
      metrics?: Record<string, number>;
    };
  }>;
};

/**
 * Seeds registered models, versions, runs, metrics, params and dataset inputs through MLflow's REST API.
 *
 * @public
 */
export async function seedMlflow(
  server: MlflowServer,
  models: SeedModel[],
  experimentName = 'convergence-seed',
) {
  const { experiment_id } = await server.post('experiments/create', {
    name: experimentName,
  });
  for (const model of models) {
    await server.post('registered-models/create', {
      name: model.name,
      description: model.description,
      tags: Object.entries(model.tags ?? {}).map(([key, value]) => ({
        key,
        value,
      })),
    });
    for (const [i, v] of model.versions.entries()) {
      const now = Date.now();
      const { run } = await server.post('runs/create', {
        experiment_id,
        run_name: `${model.name}-v${i + 1}`,
        start_time: now,
      });
      const runId = run.info.run_id;
      await server.post('runs/log-batch', {
        run_id: runId,
        metrics: Object.entries(v.metrics ?? {}).map(([key, value]) => ({
          key,
          value,
          timestamp: now,
          step: 0,
        })),
        params: Object.entries(v.params ?? {}).map(([key, value]) => ({
          key,
          value,
        })),
      });
      if (v.datasets?.length) {
        await server.post('runs/log-inputs', {
          run_id: runId,
          datasets: v.datasets.map(d => ({
            tags:
              d.context === undefined
                ? []
                : [{ key: 'mlflow.data.context', value: d.context }],
            dataset: {
              name: d.name,
              digest: d.digest,
              source_type: 'http',
              source: JSON.stringify({ url: d.source }),
            },
          })),
        });
      }
      await server.post('runs/update', {
        run_id: runId,
        status: 'FINISHED',
        end_time: now + 1000,
      });
      let modelId: string | undefined;
      if (v.loggedModel) {
        // What mlflow.<flavor>.log_model does in MLflow 3.
        const { model: logged } = await server.post('logged-models', {
          experiment_id,
          name: 'model',
          source_run_id: runId,
        });
        modelId = logged.info.model_id as string;
        await server.post(`logged-models/${modelId}/params`, {
          model_id: modelId,
          params: Object.entries(v.loggedModel.params ?? {}).map(
            ([key, value]) => ({ key, value }),
          ),
        });
        await server.post('runs/log-batch', {
          run_id: runId,
          metrics: Object.entries(v.loggedModel.metrics ?? {}).map(
            ([key, value]) => ({
              key,
              value,
              timestamp: now,
              step: 0,
              model_id: modelId,
            }),
          ),
        });
        await server.request('PATCH', `logged-models/${modelId}`, {
          model_id: modelId,
          status: 'LOGGED_MODEL_READY',
        });
      }
      const { model_version } = await server.post('model-versions/create', {
        name: model.name,
        source: modelId
          ? `models:/${modelId}`
          : `s3://acme-models/${model.name}/${i + 1}`,
        run_id: runId,
        ...(modelId && { model_id: modelId }),
      });
      for (const alias of v.aliases ?? []) {
        await server.post('registered-models/alias', {
          name: model.name,
          alias,
          version: model_version.version,
        });
      }
    }
  }
}

/*
 * Load from a separate process (its own event loop), as real clients would:
 * autocannon sends the paths in turn, at a fixed overall rate when one is
 * given (latencies corrected for coordinated omission), and prints its
 * figures as JSON.
 */
import { execFile } from 'child_process';
import { promisify } from 'util';

export type Load = {
  p50: number;
  p99: number;
  rps: number;
  /** Answers other than 2xx, socket errors and timeouts. */
  failed: number;
};

export type LoadOptions = {
  /** The backend, e.g. `http://localhost:7321`. */
  url: string;
  /** Sent in turn, one per request. */
  paths: string[];
  connections: number;
  seconds: number;
  overallRate?: number;
  /** Sent as a bearer token. */
  token: string;
  /** Ask for gzipped answers (`Accept-Encoding: gzip`), as a browser does. */
  gzip?: boolean;
};

const execFileAsync = promisify(execFile);

/** The load process: plain JavaScript, so it starts in a fraction of a second. */
const LOAD_RUNNER = `
const autocannon = require(process.env.BENCH_AUTOCANNON);
const o = JSON.parse(process.env.BENCH_LOAD);
let next = 0;
autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.seconds,
  overallRate: o.overallRate,
  headers: {
    authorization: 'Bearer ' + o.token,
    ...(o.gzip ? { 'accept-encoding': 'gzip' } : {}),
  },
  requests: [{ setupRequest: req => ({ ...req, path: o.paths[next++ % o.paths.length] }) }],
}).then(
  r => process.stdout.write(JSON.stringify({
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    failed: r.non2xx + r.errors + r.timeouts,
  })),
  e => { console.error(e); process.exit(1); },
);
`;

/** Runs the load in a child process and returns its figures. */
export async function runLoad(options: LoadOptions): Promise<Load> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['-e', LOAD_RUNNER],
    {
      env: {
        ...process.env,
        BENCH_AUTOCANNON: require.resolve('autocannon'),
        BENCH_LOAD: JSON.stringify(options),
      },
      maxBuffer: 64 * 1024 * 1024,
      // autocannon gives up on a request after 10 s.
      timeout: (options.seconds + 60) * 1000,
    },
  );
  return JSON.parse(stdout) as Load;
}

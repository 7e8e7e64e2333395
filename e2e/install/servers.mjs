// @ts-check
// Long-running processes of the install tests (backends, dev servers): each
// in its own process group, so that stopping it stops what it started.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

/**
 * Starts a command in its own process group; its output goes to logFile.
 * @param {string} cwd
 * @param {string[]} argv the program and its arguments
 * @param {string} logFile appended to
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {ChildProcess}
 */
export function startServer(cwd, argv, logFile, env = process.env) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  return child;
}

/**
 * Waits until url answers 2xx; fails with the end of the log when the server
 * exits first or the time is up.
 * @param {string} url
 * @param {ChildProcess} child
 * @param {string} logFile
 * @param {number} [timeoutMs]
 */
export async function waitForUrl(url, child, logFile, timeoutMs = 6 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  const tail = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .slice(-30)
    .join('\n');
  const why = child.exitCode === null ? 'did not come up' : 'exited';
  throw new Error(`${url}: the server ${why}; end of ${logFile}:\n${tail}`);
}

/** @type {WeakSet<ChildProcess>} the servers stopServer has stopped */
const stopped = new WeakSet();

/**
 * Sends a signal to a process group; a group that is gone already is fine.
 * @param {number} pid the group's leader
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

/**
 * Stops the process group (SIGTERM, SIGKILL after 10 s) and waits for its
 * leader; then kills whatever of the group outlived the leader. Safe to call
 * again for a server stopped before: it never waits for an exit that has
 * already happened (an after() hook that never settles is dropped silently
 * by node:test, and the apps' folder would stay behind).
 * @param {ChildProcess} child
 */
export async function stopServer(child) {
  const pid = child.pid;
  // Stopped once already: its group id may belong to another process now.
  if (pid === undefined || stopped.has(child)) return;
  stopped.add(child);
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise(r => child.once('exit', r));
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  signalGroup(pid, 'SIGKILL');
}

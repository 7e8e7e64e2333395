// scripts/lib/options.sh (parse_switches), run by bash in a sample script
// that takes two switches, as scripts/test.sh and scripts/export-dynamic.sh do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OPTIONS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'options.sh',
);

let dir;
let script;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'options-'));
  script = path.join(dir, 'sample.sh');
  fs.writeFileSync(
    script,
    `#!/usr/bin/env bash
# Sample: "what it does".
#
#   sample.sh --no-build   it's not built
set -euo pipefail
source ${JSON.stringify(OPTIONS)}
build=1
skip_e2e=0
parse_switches --no-build build=0 --skip-e2e "skip_e2e=a b\\\\c" -- "$@"
echo "build=$build skip_e2e=$skip_e2e"
`,
  );
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (...args) =>
  spawnSync('bash', [script, ...args], { encoding: 'utf8' });

test('no switches leave the defaults', () => {
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'build=1 skip_e2e=0\n');
});

test('each switch sets its own variable to its value, as written', () => {
  assert.equal(run('--no-build').stdout, 'build=0 skip_e2e=0\n');
  assert.equal(run('--skip-e2e').stdout, 'build=1 skip_e2e=a b\\c\n');
  assert.equal(
    run('--skip-e2e', '--no-build').stdout,
    'build=0 skip_e2e=a b\\c\n',
  );
});

test('--help and -h print the header comment and exit 0', () => {
  for (const flag of ['--help', '-h']) {
    const r = run('--no-build', flag);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      'Sample: "what it does".\n\n  sample.sh --no-build   it\'s not built\n',
    );
  }
});

test('an unknown option, or a value given to a switch, exits 2 naming it', () => {
  for (const arg of ['--bogus', 'build=0', '--no-build=1', '']) {
    const r = run('--no-build', arg);
    assert.equal(r.status, 2, arg);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `unknown option: ${arg} (see --help)\n`);
  }
});

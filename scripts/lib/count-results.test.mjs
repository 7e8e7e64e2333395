// scripts/lib/count-results.mjs on the output of real jest and node --test
// runs of a sample holding passing, failing, skipped and todo tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const SCRIPT = path.join(HERE, 'count-results.mjs');
const JEST = path.join(ROOT, 'node_modules/.bin/jest');

function withoutTestContext() {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

let dir;
let jestJson;
let tap;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'count-results-'));
  const jestDir = path.join(dir, 'jest');
  const nodeDir = path.join(dir, 'node');
  fs.mkdirSync(jestDir);
  fs.mkdirSync(nodeDir);
  fs.writeFileSync(path.join(jestDir, 'package.json'), '{}');
  fs.writeFileSync(
    path.join(jestDir, 'sample.test.js'),
    `describe('outer', () => {
  it('passes', () => {});
  it.skip('is skipped', () => {});
  it.todo('is todo');
  describe.skip('skipped block', () => { it('inner', () => {}); });
});
it('fails', () => { expect(1).toBe(2); });
`,
  );
  fs.writeFileSync(
    path.join(nodeDir, 'sample.test.mjs'),
    `import { test, describe } from 'node:test';
test('passes # with a hash \\\\ and a backslash', () => {});
test('fails', () => { throw new Error('no'); });
test('is skipped', { skip: 'not today' }, () => {});
test('is todo', { todo: true }, () => {});
describe('group', () => {
  test('inner skip', { skip: true }, () => {});
  test('inner ok', () => {});
});
describe.skip('skipped suite', () => { test('hidden', () => {}); });
`,
  );
  jestJson = path.join(dir, 'jest.json');
  spawnSync(
    JEST,
    ['--rootDir', jestDir, '--ci', '--json', `--outputFile=${jestJson}`],
    { cwd: jestDir, stdio: 'ignore' },
  );
  tap = path.join(dir, 'sample.tap');
  spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      'sample.test.mjs',
    ],
    // Without NODE_TEST_CONTEXT: the sample runs as its own test run, not
    // as a child reporting to this one.
    { cwd: nodeDir, stdio: 'ignore', env: withoutTestContext() },
  );
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the script as scripts/test.sh does; returns [counts, stderr]. */
function run(format, results, allowList) {
  const list = path.join(dir, 'allow.txt');
  fs.writeFileSync(list, allowList);
  const r = spawnSync(process.execPath, [SCRIPT, format, results, list], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return [r.stdout.trim().split(' ').map(Number), r.stderr];
}

test('jest: skipped and todo tests not in the allow-list count as failed', () => {
  const [counts, stderr] = run('jest', jestJson, '');
  // passed, failed (1 real + 2 skipped + 1 todo), skipped
  assert.deepEqual(counts, [1, 4, 0]);
  assert.match(stderr, /skipped, not in the allow-list.*: outer is skipped/);
  assert.match(stderr, /todo, not in the allow-list.*: outer is todo/);
  assert.match(stderr, /: outer skipped block inner/);
});

test('jest: allow-listed tests count as skipped, by full name', () => {
  const [counts, stderr] = run(
    'jest',
    jestJson,
    `# comment
outer is skipped # needs a GPU
outer is todo # written next week

outer skipped block inner # flaky upstream
is skipped # a name that matches no jest test
`,
  );
  assert.deepEqual(counts, [1, 1, 3]);
  assert.match(stderr, /skipped \(allowed: needs a GPU\): outer is skipped/);
});

test('tap: counts node --test results, nested names joined by " > "', () => {
  const [counts, stderr] = run('tap', tap, '');
  // is skipped, is todo, group > inner skip, skipped suite
  assert.deepEqual(counts, [2, 5, 0]);
  for (const name of ['is skipped', 'is todo', 'group > inner skip']) {
    assert.ok(stderr.includes(`counted as failed: ${name}\n`), stderr);
  }
  assert.ok(stderr.includes('counted as failed: skipped suite\n'), stderr);
  assert.ok(!stderr.includes('with a hash'), stderr);

  const [allowed] = run(
    'tap',
    tap,
    'is skipped # x\nis todo # y\ngroup > inner skip # z\nskipped suite # w\n',
  );
  assert.deepEqual(allowed, [2, 1, 4]);
});

test('a missing, truncated or unreadable results file counts as a failure', () => {
  assert.deepEqual(
    run('jest', path.join(dir, 'absent.json'), '')[0],
    [0, 1, 0],
  );
  const cut = path.join(dir, 'cut.tap');
  fs.writeFileSync(cut, fs.readFileSync(tap, 'utf8').split('# tests')[0]);
  assert.equal(run('tap', cut, '')[0][1], 1);
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"numPassedTests": 3');
  assert.deepEqual(run('jest', bad, '')[0], [0, 1, 0]);
});

test('an allow-list entry without a reason is refused', () => {
  const [counts, stderr] = run('jest', jestJson, 'outer is skipped\n');
  assert.deepEqual(counts, [0, 1, 0]);
  assert.match(stderr, /line 1: expected "<full test name> # <reason>"/);
});

/** Runs bash with scripts/lib/results.sh sourced, as scripts/test.sh does. */
const bash = script =>
  execFileSync('bash', ['-c', `source "${HERE}/results.sh"; ${script}`], {
    encoding: 'utf8',
    env: { ...process.env, REPO_ROOT: ROOT },
    stdio: ['ignore', 'pipe', 'ignore'],
  });

test("scripts/test.sh's count_results reads the committed allow-list", () => {
  assert.equal(
    bash(`count_results tap "${tap}"; echo "$rp $rf $rs"`),
    // The committed allow-list names none of the sample's tests.
    '2 5 0\n',
  );
  assert.equal(
    bash(`count_results jest "${dir}/absent.json"; echo "$rp $rf $rs"`),
    '0 1 0\n',
  );
});

test("scripts/test.sh's closing line adds the skipped count only when there is one", () => {
  assert.equal(bash('closing_line 12 0 0'), '12 passed, 0 failed\n');
  assert.equal(bash('closing_line 12 1 3'), '12 passed, 1 failed, 3 skipped\n');
});

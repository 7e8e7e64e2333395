#!/usr/bin/env node
// Counts the results of one test run for scripts/test.sh, skipped and todo
// tests included.
//
//   node scripts/lib/count-results.mjs jest <jest --json output> <allow-list>
//   node scripts/lib/count-results.mjs tap  <node --test TAP output> <allow-list>
//
// Prints "<passed> <failed> <skipped>" on stdout and names every skipped or
// todo test on stderr. A skipped or todo test counts as skipped only when the
// allow-list names it (by its full name, with a reason); otherwise it counts
// as failed. An unreadable or incomplete results file counts as one failure.
//
// Allow-list: one entry a line, "<full test name> # <reason>"; blank lines and
// lines starting with "#" are comments. A jest test's full name is its
// describe titles and its own title joined by spaces (jest's fullName); a node
// test's is its parents' names and its own joined by " > ".
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Parses the allow-list text; throws on an entry without a reason. */
export function parseAllowList(text) {
  const entries = new Map();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = line.indexOf(' # ');
    const name = at < 0 ? '' : line.slice(0, at).trim();
    const reason = at < 0 ? '' : line.slice(at + 3).trim();
    if (!name || !reason) {
      throw new Error(
        `allow-list line ${
          i + 1
        }: expected "<full test name> # <reason>", got "${line}"`,
      );
    }
    entries.set(name, reason);
  });
  return entries;
}

/** Reads jest's --json output: counts and the tests that did not run. */
export function readJest(text) {
  const r = JSON.parse(text);
  const notRun = [];
  for (const file of r.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (['pending', 'skipped', 'disabled', 'todo'].includes(t.status)) {
        notRun.push({
          name: t.fullName ?? [...t.ancestorTitles, t.title].join(' '),
          kind: t.status === 'todo' ? 'todo' : 'skipped',
        });
      }
    }
  }
  return {
    passed: r.numPassedTests,
    // Suites that failed to run (syntax errors, crashed setup) count too.
    failed: r.numFailedTests + r.numRuntimeErrorTestSuites,
    notRun,
    declaredNotRun: r.numPendingTests + r.numTodoTests,
  };
}

// Node's TAP reporter escapes these in test names.
const unescapeTap = s =>
  s.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', r: '\r' }[c] ?? c));

/** Reads node --test's TAP output: counts and the tests that did not run. */
export function readTap(text) {
  const summary = {};
  const pending = []; // pending[depth]: finished tests not yet given a parent
  let last;
  for (const line of text.split('\n')) {
    const s = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (s) {
      summary[s[1]] = Number(s[2]);
      continue;
    }
    const m = /^( *)(?:not )?ok \d+ - (.*)$/.exec(line);
    if (m) {
      const depth = m[1].length / 4;
      // The name ends at the first unescaped " # " (the directive).
      const d = /^((?:[^\\#]|\\.)*?)(?: # (SKIP|TODO)\b.*)?$/i.exec(m[2]);
      const name = unescapeTap((d?.[1] ?? m[2]).trimEnd());
      const directive = d?.[2]?.toUpperCase();
      const children = pending[depth + 1] ?? [];
      pending[depth + 1] = [];
      for (const c of children) c.path.unshift(name);
      last = {
        path: [name],
        kind: directive === 'TODO' ? 'todo' : directive ? 'skipped' : 'ran',
        type: 'test',
        children: children.length,
      };
      pending[depth] = [...(pending[depth] ?? []), ...children, last];
      continue;
    }
    if (last && /^ *type: 'suite'$/.test(line)) last.type = 'suite';
  }
  const complete = ['pass', 'fail', 'skipped', 'todo'].every(k => k in summary);
  if (!complete) return { passed: summary.pass ?? 0, failed: 1, notRun: [] };
  // A skipped suite (describe.skip) reports none of its tests: it counts as
  // one; a suite whose tests are reported is counted through them.
  const notRun = (pending[0] ?? [])
    .filter(t => t.kind !== 'ran' && (t.type === 'test' || t.children === 0))
    .map(t => ({ name: t.path.join(' > '), kind: t.kind }));
  return {
    passed: summary.pass,
    failed: summary.fail + (summary.cancelled ?? 0),
    notRun,
    declaredNotRun: summary.skipped + summary.todo,
  };
}

/**
 * Splits the tests that did not run into allowed ones (counted as skipped)
 * and the others (counted as failed). Returns the counts and report lines.
 */
export function count(results, allowList) {
  const lines = [];
  let skipped = 0;
  let unlisted = 0;
  for (const t of results.notRun) {
    const reason = allowList.get(t.name);
    if (reason !== undefined) {
      skipped += 1;
      lines.push(`${t.kind} (allowed: ${reason}): ${t.name}`);
    } else {
      unlisted += 1;
      lines.push(
        `${t.kind}, not in the allow-list, counted as failed: ${t.name}`,
      );
    }
  }
  // Tests the runner reports as not run but that were not found by name.
  const unnamed = Math.max(
    0,
    (results.declaredNotRun ?? 0) - results.notRun.length,
  );
  if (unnamed > 0) {
    lines.push(
      `${unnamed} skipped or todo test(s) without a name, counted as failed`,
    );
  }
  return {
    passed: results.passed,
    failed: results.failed + unlisted + unnamed,
    skipped,
    lines,
  };
}

function main([format, resultsPath, allowListPath]) {
  if (!['jest', 'tap'].includes(format) || !resultsPath || !allowListPath) {
    process.stderr.write(
      'usage: count-results.mjs jest|tap <results file> <allow-list>\n',
    );
    return 2;
  }
  let allowList;
  try {
    allowList = parseAllowList(fs.readFileSync(allowListPath, 'utf8'));
  } catch (e) {
    process.stderr.write(`${allowListPath}: ${e.message}\n`);
    console.log('0 1 0');
    return 0;
  }
  let results;
  try {
    const text = fs.readFileSync(resultsPath, 'utf8');
    results = format === 'jest' ? readJest(text) : readTap(text);
  } catch (e) {
    process.stderr.write(`${resultsPath}: ${e.message}\n`);
    results = { passed: 0, failed: 1, notRun: [] };
  }
  const c = count(results, allowList);
  for (const line of c.lines) process.stderr.write(`${line}\n`);
  console.log(`${c.passed} ${c.failed} ${c.skipped}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

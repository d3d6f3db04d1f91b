// `npm test`: set up the real peers, then run every suite. Each step runs even if one before it
// failed, so one run shows every failure; the exit code is non-zero if any step failed. The run
// ends with a recap of what failed (each failed test with its message, or a failed step's last
// lines), so a log read from its end names the failure without scrolling past later steps.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setup } from './setup.mjs';

process.env.TRIALKIT_PG_URL = setup();
// Output goes through a pipe (to keep its end); keep the colours a terminal would have had.
if (process.stdout.isTTY) process.env.FORCE_COLOR ??= '1';

const vitestReport = join(mkdtempSync(join(tmpdir(), 'trialkit-test-')), 'vitest.json');
const steps = [
  ['typecheck', 'tsc', ['--noEmit']],
  ['lint', 'biome', ['check', '.']],
  ['build (+ custom-elements.json)', 'npm', ['run', 'build']],
  [
    'node tests (vitest)',
    'vitest',
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
  ],
  ['browser tests (Chromium)', 'web-test-runner', []],
  ['storybook build', 'storybook', ['build', '--disable-telemetry', '--quiet']],
  ['size budget', 'node', ['scripts/size.mjs', '--budget=40.0', '--connection-budget=70.0']],
];

/** How much of a step's output the recap can show. */
const KEPT_CHARS = 6_000;

/** A failed browser test as web-test-runner prints it (`❌ suite > test`); the next line says why. */
const FAILED_TEST_LINE = /❌/;

/**
 * Runs a command with its output passed through; resolves with its exit code, its output's end
 * and the lines that name a failed test (with the line after each).
 */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    let end = '';
    let partial = '';
    /** Each failed test's line, with the line after it (web-test-runner prints both twice). */
    const failures = new Map();
    let last;
    const pass = (stream) => (chunk) => {
      stream.write(chunk);
      end = (end + chunk).slice(-KEPT_CHARS);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (last !== undefined && !failures.has(last)) failures.set(last, line);
        last = FAILED_TEST_LINE.test(line) ? line : undefined;
      }
    };
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      from.setEncoding('utf8');
      from.on('data', pass(to));
    }
    child.on('error', (err) => resolve({ code: 1, end: String(err), failures }));
    child.on('close', (code) => resolve({ code: code ?? 1, end, failures }));
  });
}

/** Each failed vitest test with the first lines of its message, or undefined without a report. */
function failedVitestTests() {
  let report;
  try {
    report = JSON.parse(readFileSync(vitestReport, 'utf8'));
  } catch {
    return undefined;
  }
  const lines = [];
  for (const file of report.testResults ?? []) {
    const where = relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    // A file that failed outside any test (an import or a hook) has its message on the file.
    if (!failed.length && file.status === 'failed') lines.push(`  ✗ ${where}`, indent(file.message));
    for (const test of failed)
      lines.push(`  ✗ ${where} › ${test.fullName}`, indent(test.failureMessages?.[0]));
  }
  return lines.join('\n');
}

/** A message's first lines, without the stack frames of the test runner's own code. */
function indent(message = '', lineCount = 12) {
  return message
    .split('\n')
    .filter((line) => !/^\s+at (.*node_modules|new Promise)/.test(line))
    .slice(0, lineCount)
    .map((line) => `      ${line}`)
    .join('\n');
}

const failed = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n[trialkit] ${name}: ${cmd} ${args.join(' ')}`);
  const { code, end, failures } = await run(cmd, args);
  if (code !== 0) failed.push({ name, cmd, end, failures });
}
for (const { name, cmd, end, failures } of failed) {
  const tests =
    cmd === 'vitest' ? failedVitestTests() : [...failures].map((pair) => pair.join('\n')).join('\n');
  console.log(`\n[trialkit] ${name} failed${tests ? ':' : '; the end of its output:'}`);
  console.log(tests || end.slice(end.indexOf('\n') + 1));
}
console.log(`\n[trialkit] steps: ${steps.length - failed.length} passed, ${failed.length} failed`);
if (failed.length) {
  console.log(`[trialkit] failed: ${failed.map((step) => step.name).join(', ')}`);
  process.exit(1);
}

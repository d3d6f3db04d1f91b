// `npm test`: set up the real peers, then run every suite. Each step runs even if one before it
// failed, so one run shows every failure; the exit code is non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { setup } from './setup.mjs';

process.env.TRIALKIT_PG_URL = setup();

const steps = [
  ['typecheck', 'tsc', ['--noEmit']],
  ['lint', 'biome', ['check', '.']],
  ['build (+ custom-elements.json)', 'npm', ['run', 'build']],
  ['node tests (vitest)', 'vitest', ['run']],
  ['browser tests (Chromium)', 'web-test-runner', []],
  ['storybook build', 'storybook', ['build', '--disable-telemetry', '--quiet']],
  ['size budget', 'node', ['scripts/size.mjs', '--budget=59.1', '--connection-budget=70']],
];

const failed = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n[trialkit] ${name}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) failed.push(name);
}
console.log(`\n[trialkit] steps: ${steps.length - failed.length} passed, ${failed.length} failed`);
if (failed.length) {
  console.log(`[trialkit] failed: ${failed.join(', ')}`);
  process.exit(1);
}

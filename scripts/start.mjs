// `npm start`: build the package if dist/ is missing or stale, then run `trialkit demo` from dist/
// (the same code users get from npm) and let Ctrl-C stop it cleanly.
// Arguments after `npm start --` go to `trialkit demo`, e.g. `npm start -- --port 8080`.
import { spawn } from 'node:child_process';
import { cliPath, ensureBuilt } from './ensure-built.mjs';

try {
  ensureBuilt({ types: false });
} catch (err) {
  console.error(`[trialkit] ${err.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, [cliPath, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child by itself (same process group): wait for it to stop cleanly. A SIGTERM
// sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Runs test/sync/worker-process.ts in child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig } from './worker-process.js';

const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerHandle {
  child: ChildProcess;
  /** Trials this worker reported synced. */
  synced: string[];
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  output(): string;
}

export function spawnWorker(config: WorkerConfig): WorkerHandle {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, TRIALKIT_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const synced: string[] = [];
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('{"synced"')) synced.push(JSON.parse(line).synced);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  return { child, synced, exited, output: () => output };
}

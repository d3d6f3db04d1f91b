/**
 * What the end-to-end tests share: starting a trialkit server as a child process (and reading its
 * URL from its progress lines), stopping it with a signal, and a headless Chromium.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Page } from 'playwright-core';

export { launchChromium } from '../../scripts/chromium.mjs';

/** A server started by a test: its URL, everything it printed, and how it ended. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Signals the process group (SIGINT: as Ctrl-C does) and resolves with the exit code once it ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `node <args>` and resolves once it prints `serving on <url>`; rejects with its output if it exits first. */
export function startServer(
  args: string[],
  { env = {}, timeoutMs = 150_000 }: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  // Its own process group, so a signal reaches it and its children as Ctrl-C in a terminal would.
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, MLFLOW_TRACKING_URI: '', ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(
        new Error(`no "serving on" line within ${timeoutMs} ms from node ${args.join(' ')}:\n${output}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => {
        output += more.toString();
      });
      resolve({
        child,
        url: match[1],
        output: () => output,
        async stop(signal = 'SIGINT') {
          if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited with ${code} before serving:\n${output}`));
    });
  });
}

/** What the dashboard shows, read through its shadow roots. */
export interface DashboardReading {
  /** Trials the table says it has (aria-rowcount minus the header row, or rows rendered). */
  trialRows: number;
  /** The text of the charts' hidden tables of latest values: changes as curves grow. */
  chartValues: string;
  /** Whether `<trial-dashboard>` is a defined custom element. */
  defined: boolean;
}

/**
 * Runs in the page: the table's trial count and the charts' hidden tables, read through shadow
 * roots. A string, so that no transpiler helper (such as esbuild's `__name`) leaks into the page.
 */
const READ_DASHBOARD = `(() => {
  const deepAll = (selector, root = document) => {
    const found = [...root.querySelectorAll(selector)];
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepAll(selector, el.shadowRoot));
    return found;
  };
  let trialRows = 0;
  for (const grid of deepAll('[role="grid"]')) {
    const count = Number(grid.getAttribute('aria-rowcount'));
    const rows = grid.querySelectorAll('[role="row"]').length;
    trialRows = Math.max(trialRows, count > 0 ? count - 1 : Math.max(0, rows - 1));
  }
  const chartValues = deepAll('trial-metrics-chart')
    .map((chart) => [...(chart.shadowRoot?.querySelectorAll('table') ?? [])].map((t) => t.textContent).join('|'))
    .join('||');
  return { trialRows, chartValues, defined: customElements.get('trial-dashboard') !== undefined };
})()`;

/** Reads the dashboard's table size and charts' accessible values. */
export function readDashboard(page: Page): Promise<DashboardReading> {
  return page.evaluate(READ_DASHBOARD) as Promise<DashboardReading>;
}

/**
 * Waits until the dashboard shows at least `minTrials` trials, then checks that the charts' values
 * change while we watch (curves grow). Fails with what it saw, never skips.
 */
export async function expectLiveDashboard(
  page: Page,
  minTrials: number,
  watchMs = 20_000,
): Promise<DashboardReading[]> {
  const readings: DashboardReading[] = [];
  const deadline = Date.now() + 45_000;
  let first: DashboardReading | undefined;
  while (Date.now() < deadline) {
    const reading = await readDashboard(page);
    readings.push(reading);
    if (reading.trialRows >= minTrials && reading.chartValues.trim() !== '') {
      first = reading;
      break;
    }
    await page.waitForTimeout(500);
  }
  if (!first) {
    const last = readings.at(-1);
    throw new Error(
      `the dashboard never showed ${minTrials} trials with chart values: last reading ${JSON.stringify(last)}` +
        (last?.defined ? '' : ' (<trial-dashboard> is not defined: is trialkit/define registering it?)'),
    );
  }
  const until = Date.now() + watchMs;
  while (Date.now() < until) {
    await page.waitForTimeout(1000);
    const reading = await readDashboard(page);
    readings.push(reading);
    if (reading.chartValues !== first.chartValues) return readings;
  }
  throw new Error(`the charts' values did not change in ${watchMs} ms: ${first.chartValues.slice(0, 500)}`);
}

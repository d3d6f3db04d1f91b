/**
 * The registry's model versions made from given runs, with their aliases: what a dashboard shows
 * next to a run. One version search per 100 runs (`run_id IN (...)`); MLflow's search leaves the
 * versions' aliases empty, so they come from one `getRegisteredModel` per model name found.
 */
import type { MlflowClient } from './client.js';
import { quoteFilterValue } from './filter.js';
import type { RequestOptions } from './http.js';

/** A model version as a run's summary carries it. */
export interface RunModelVersion {
  name: string;
  version: string;
  /** The aliases pointing at this version, sorted. */
  aliases: string[];
}

/** Run ids per version search: keeps the filter short and each answer small. */
const RUNS_PER_SEARCH = 100;

const collator = new Intl.Collator('en', { numeric: true });

/**
 * The model versions registered from each of `runIds`, by name then version ("2" before "10").
 * Every run MLflow's filter can name gets an entry, empty when nothing was registered from it.
 * Rejects with the client's error when the server has no registry or refuses a request.
 */
export async function modelVersionsOfRuns(
  client: MlflowClient,
  runIds: Iterable<string>,
  options?: RequestOptions,
): Promise<Map<string, RunModelVersion[]>> {
  const literals = new Map<string, string>();
  for (const id of runIds) {
    const literal = quoteFilterValue(id);
    if (literal !== undefined) literals.set(id, literal);
  }
  const out = new Map<string, RunModelVersion[]>([...literals.keys()].map((id) => [id, []]));
  const found: { runId: string; name: string; version: string }[] = [];
  const quoted = [...literals.values()];
  for (let i = 0; i < quoted.length; i += RUNS_PER_SEARCH) {
    const filter = `run_id IN (${quoted.slice(i, i + RUNS_PER_SEARCH).join(', ')})`;
    for await (const v of client.searchModelVersions({ filter }, options)) {
      if (v.runId && out.has(v.runId)) found.push({ runId: v.runId, name: v.name, version: v.version });
    }
  }
  const aliases = await aliasesByVersion(client, new Set(found.map((v) => v.name)), options);
  for (const { runId, name, version } of found) {
    out.get(runId)!.push({ name, version, aliases: aliases.get(name)?.get(version) ?? [] });
  }
  for (const versions of out.values())
    versions.sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.version, b.version));
  return out;
}

/** Model name -> version -> its aliases, sorted. */
async function aliasesByVersion(
  client: MlflowClient,
  names: Set<string>,
  options?: RequestOptions,
): Promise<Map<string, Map<string, string[]>>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const name of names) {
    const byVersion = new Map<string, string[]>();
    const model = await client.getRegisteredModel(name, options);
    for (const [alias, version] of Object.entries(model.aliases).sort(([a], [b]) => collator.compare(a, b))) {
      const list = byVersion.get(version);
      if (list) list.push(alias);
      else byVersion.set(version, [alias]);
    }
    out.set(name, byVersion);
  }
  return out;
}

/**
 * Packs encoded metrics, params and tags into `runs/log-batch` bodies within MLflow's limits.
 */
import { BATCH_LIMITS } from './limits.js';
import type { EncodedItem } from './wire.js';

/** What goes into one log-batch request, as it fills up. */
export class BatchBody {
  readonly metrics: string[] = [];
  readonly params: string[] = [];
  readonly tags: string[] = [];
  private bytes: number;
  private readonly paramKeys = new Set<string>();
  private readonly tagKeys = new Set<string>();

  /** `runIdJson` is the run id's JSON text; its length counts toward the body limit. */
  constructor(private readonly runIdJson: string) {
    this.bytes = BatchBody.envelope(runIdJson).length;
  }

  private static envelope(runIdJson: string): string {
    return `{"run_id":${runIdJson},"metrics":[],"params":[],"tags":[]}`;
  }

  get size(): number {
    return this.metrics.length + this.params.length + this.tags.length;
  }

  /** Adds the item if it fits; false when it would break a limit (or repeat a param or tag key). */
  add(kind: 'metrics' | 'params' | 'tags', item: EncodedItem): boolean {
    const list = this[kind];
    if (list.length >= BATCH_LIMITS[kind] || this.size >= BATCH_LIMITS.entities) return false;
    const extra = item.bytes + (list.length > 0 ? 1 : 0);
    if (this.bytes + extra > BATCH_LIMITS.bodyBytes) return false;
    if (kind !== 'metrics') {
      const keys = kind === 'params' ? this.paramKeys : this.tagKeys;
      if (keys.has(item.key)) return false;
      keys.add(item.key);
    }
    list.push(item.json);
    this.bytes += extra;
    return true;
  }

  /** The request body. */
  toJson(): string {
    return `{"run_id":${this.runIdJson},"metrics":[${this.metrics.join(',')}],"params":[${this.params.join(',')}],"tags":[${this.tags.join(',')}]}`;
  }
}

/** Splits items of any number into as few bodies as the limits allow, keeping each kind's order. */
export function packBatches(
  runId: string,
  items: { params: EncodedItem[]; tags: EncodedItem[]; metrics: EncodedItem[] },
): string[] {
  const runIdJson = JSON.stringify(runId);
  const bodies: string[] = [];
  let body = new BatchBody(runIdJson);
  for (const kind of ['params', 'tags', 'metrics'] as const) {
    for (const item of items[kind]) {
      if (body.add(kind, item)) continue;
      bodies.push(body.toJson());
      body = new BatchBody(runIdJson);
      body.add(kind, item);
    }
  }
  if (body.size > 0) bodies.push(body.toJson());
  return bodies;
}

/**
 * Group commit of `appendMetrics`: appends called one after the other, with no other write queued
 * between them, go to the store together in one write (one transaction, a few statements whatever
 * their number), their events still one per append in call order. Appends called while a group is
 * being written form the next group, so under load each transaction carries every append that
 * came meanwhile. Call order among all writes is kept: an append never overtakes a write called
 * before it, nor one called after it.
 */
import type { EventHub } from '../event-hub.js';
import type { SeriesAppend } from '../storage.js';
import { type MetricPointInput, parseMetricKey, toColumns } from '../validate.js';
import { putColumns, putColumnsMany, type RecordDeps } from './records.js';
import type { GroupWrite } from './write.js';

interface Member extends SeriesAppend {
  resolve(total: number): void;
  reject(reason: unknown): void;
}

export class AppendGroups {
  /** The group that appends may still join, and the hub's queue count when it was queued. */
  private open: { members: Member[]; queued: number } | undefined;

  constructor(
    private readonly hub: EventHub,
    private readonly write: GroupWrite,
    private readonly deps: RecordDeps,
  ) {}

  /** Appends points to a series (checked here, so a bad append never joins a group); resolves with the series length. */
  async append(trialId: string, key: string, points: readonly MetricPointInput[]): Promise<number> {
    parseMetricKey(key);
    const columns = toColumns(points);
    return new Promise<number>((resolve, reject) => {
      const member: Member = { trialId, key, points: columns, resolve, reject };
      // Join the open group only if no other write was queued after it: call order holds.
      if (this.open && this.open.queued === this.hub.queued) {
        this.open.members.push(member);
        return;
      }
      const group = { members: [member], queued: 0 };
      this.open = group;
      this.write<Member, number>(
        () => {
          if (this.open === group) this.open = undefined;
          return group.members;
        },
        (scope, members) => putColumnsMany(scope, members, this.deps),
        (scope, m) => putColumns(scope, m, this.deps),
      ).then(
        (settled) =>
          settled.forEach((s, i) => {
            const m = group.members[i];
            if (s.status === 'fulfilled') m.resolve(s.value);
            else m.reject(s.reason);
          }),
        (err) => {
          for (const m of group.members) m.reject(err);
        },
      );
      group.queued = this.hub.queued;
    });
  }
}

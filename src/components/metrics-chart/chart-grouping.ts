/**
 * Grouped curves as the chart element sees them: the grouping code loaded on first use (most charts
 * never group), its running sums, the groups of the last paint, and their legend and tooltip.
 */
import { nothing, type TemplateResult } from 'lit';
import { chartKit } from './chart-kit.js';
import type * as Grouping from './group-curves.js';
import {
  type GroupBand,
  type GroupCurve,
  type GroupStat,
  isGroupBand,
  isGroupStat,
} from './group-options.js';
import type { Frame } from './layout.js';
import type { CanvasColors, PlotPoint } from './paint.js';
import type { XAxisSpec } from './scales.js';
import type { SeriesView } from './series-view.js';

/** How to group: the key, and what a group shows (invalid values fall back to the defaults). */
export interface GroupSettings {
  readonly key: string;
  readonly stat: GroupStat;
  readonly band: GroupBand;
}

export class ChartGrouping {
  private loaded?: { module: typeof Grouping; aggregator: Grouping.GroupAggregator };
  private loading?: Promise<void>;
  private groups: GroupCurve[] = [];
  private settings?: GroupSettings;
  /** The groups the legend was last rendered for. */
  private legendKey = '';

  /** `onLoad` runs once the grouping code has arrived: the host paints again. */
  constructor(private readonly onLoad: () => void) {}

  /**
   * The settings to group by, once the code is loaded; asking for a key starts loading it (until it
   * arrives the trials are drawn as they are).
   */
  active(groupBy: string | undefined, stat: string, band: string): GroupSettings | undefined {
    const key = groupBy?.trim();
    if (!key) {
      this.groups = [];
      this.legendKey = '';
      return undefined;
    }
    this.loading ??= import('./group-curves.js').then((module) => {
      this.loaded = { module, aggregator: new module.GroupAggregator() };
      this.onLoad();
    });
    if (!this.loaded) return undefined;
    return { key, stat: isGroupStat(stat) ? stat : 'mean', band: isGroupBand(band) ? band : 'minmax' };
  }

  /** The load in flight, if grouping was asked for. */
  get ready(): Promise<void> | undefined {
    return this.loading;
  }

  /**
   * Counts the views' new points (all of them when `reset`), paints the groups on `ctx` and renders
   * their legend through `renderLegend` when the groups changed.
   */
  paint(
    ctx: CanvasRenderingContext2D,
    frame: Frame,
    views: readonly SeriesView[],
    settings: GroupSettings,
    colors: CanvasColors,
    log: boolean,
    reset: boolean,
    renderLegend: (legend: TemplateResult | typeof nothing) => void,
  ): void {
    const { module, aggregator } = this.loaded!;
    const { key, stat, band } = settings;
    this.settings = settings;
    this.groups = aggregator.curves(views, key, stat, band, frame.xDomain, frame.plot.width, log, reset);
    // Groups are a few lines over the plot's columns: repainted whole whenever a point arrives.
    module.paintGroups(ctx, frame, this.groups, colors, chartKit);
    const legendKey = this.groups.map((g) => `${g.value}\u0000${g.views.length}`).join('\u0001');
    if (legendKey === this.legendKey) return;
    this.legendKey = legendKey;
    renderLegend(module.groupLegend(this.groups, key, chartKit));
  }

  /** The groups' values under the pointer, as of the last paint. */
  tooltip(
    frame: Frame | undefined,
    pointer: PlotPoint | undefined,
    xAxis: XAxisSpec,
  ): TemplateResult | typeof nothing {
    const { loaded, settings } = this;
    if (!loaded || !settings) return nothing;
    return loaded.module.groupTooltip(
      frame,
      pointer,
      this.groups,
      settings.key,
      settings.stat,
      settings.band,
      xAxis,
      chartKit,
    );
  }
}

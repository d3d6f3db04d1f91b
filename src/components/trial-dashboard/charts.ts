/**
 * The dashboard's charts area: the toolbar (metric picker, compare and clear buttons) and one
 * `<trial-metrics-chart>` per chosen metric. Listeners run with the dashboard as `this`, as Lit
 * binds them to the element that renders the template.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import type { AnnotationRequestEvent } from '../events/annotation-request-event.js';
import type { ZoomChangeEvent } from '../events/zoom-change-event.js';
import type { ChartAnnotation } from '../metrics-chart/annotations.js';
import type { GroupBand, GroupStat } from '../metrics-chart/group-options.js';
import type { XAxis, YScale } from '../metrics-chart/scales.js';
import { SMOOTHING_KINDS, type SmoothingKind } from '../metrics-chart/smoothing-kinds.js';
import { exportButtons } from './export-buttons.js';
import { empty } from './study-header.js';

/** What the toolbar shows and does. */
export interface ToolbarOptions {
  /** The study's metric keys. */
  readonly keys: readonly string[];
  /** The keys charted. */
  readonly chosen: readonly string[];
  readonly selectedCount: number;
  readonly compare: boolean;
  readonly toggleMetric: (key: string) => void;
  readonly toggleCompare: () => void;
  readonly clearSelection: () => void;
  /** Curve smoothing, 0 (none) to just below 1, and its kind. */
  readonly smoothing: number;
  readonly smoothingKind: SmoothingKind;
  readonly setSmoothing: (smoothing: number, kind: SmoothingKind) => void;
  /** The study's params, to group curves by; the current grouping, and how to change it. */
  readonly groupKeys: readonly string[];
  readonly groupBy?: string;
  readonly groupStat: GroupStat;
  readonly groupBand: GroupBand;
  readonly setGrouping: (groupBy: string | undefined, stat: GroupStat, band: GroupBand) => void;
  /** The charts' x axis, or another metric as x, and how to change them. */
  readonly xAxis: XAxis;
  readonly xMetric?: string;
  readonly setXAxis: (xAxis: XAxis, xMetric: string | undefined) => void;
}

const KIND_LABELS: Record<SmoothingKind, string> = {
  ema: 'Exponential',
  running: 'Running average',
  gaussian: 'Gaussian',
};

export function toolbar(options: ToolbarOptions): TemplateResult {
  const { keys, chosen, selectedCount: count } = options;
  return html`<div class="toolbar" part="toolbar">
    <fieldset class="picker" part="metric-picker">
      <legend>Metrics</legend>
      ${keys.map(
        (key) => html`<label class="chip">
          <input type="checkbox" .checked=${chosen.includes(key)} @change=${() => options.toggleMetric(key)} />
          <span>${key}</span>
        </label>`,
      )}
    </fieldset>
    ${xAxisControl(options)} ${smoothingControls(options)} ${groupingControls(options)}
    <div class="actions">
      <button aria-pressed=${options.compare && count >= 2 ? 'true' : 'false'} ?disabled=${count < 2} @click=${options.toggleCompare}>
        Compare ${count >= 2 ? count : ''} trials
      </button>
      <button aria-disabled=${count ? 'false' : 'true'} @click=${options.clearSelection}>Clear selection</button>
    </div>
  </div>`;
}

/** The smoothing slider and the kind beside it, as W&B shows them. */
function smoothingControls(options: ToolbarOptions): TemplateResult {
  const { smoothing, smoothingKind: kind, setSmoothing } = options;
  return html`<div class="smoothing" part="smoothing">
    <label>
      <span>Smoothing</span>
      <input
        type="range"
        min="0"
        max="0.99"
        step="0.01"
        .value=${String(smoothing)}
        aria-valuetext=${smoothing ? `${smoothing} (${KIND_LABELS[kind]})` : 'off'}
        @input=${(event: Event) => setSmoothing(Number((event.target as HTMLInputElement).value), kind)}
      />
      <output>${smoothing ? smoothing.toFixed(2) : 'off'}</output>
    </label>
    <label>
      <span class="sr-only">Smoothing kind</span>
      <select
        @change=${(event: Event) => setSmoothing(smoothing, (event.target as HTMLSelectElement).value as SmoothingKind)}
      >
        ${SMOOTHING_KINDS.map((k) => html`<option value=${k} ?selected=${k === kind}>${KIND_LABELS[k]}</option>`)}
      </select>
    </label>
  </div>`;
}

const X_AXIS_CHOICES: readonly { axis: XAxis; label: string }[] = [
  { axis: 'step', label: 'Step' },
  { axis: 'wall', label: 'Time' },
  { axis: 'relative', label: 'Relative time' },
];

/**
 * What the charts' x measures: the step, wall-clock or relative time, or another metric (accuracy
 * against tokens seen), as W&B's x-axis picker offers. A metric's option value is `metric:` and its key.
 */
function xAxisControl(options: ToolbarOptions): TemplateResult {
  const { keys, xAxis, xMetric, setXAxis } = options;
  const metrics = xMetric && !keys.includes(xMetric) ? [...keys, xMetric] : keys;
  return html`<label class="x-axis" part="x-axis">
    <span>X axis</span>
    <select
      @change=${(event: Event) => {
        const value = (event.target as HTMLSelectElement).value;
        if (value.startsWith('metric:')) setXAxis(xAxis, value.slice('metric:'.length));
        else setXAxis(value as XAxis, undefined);
      }}
    >
      ${X_AXIS_CHOICES.map(
        (c) => html`<option value=${c.axis} ?selected=${!xMetric && c.axis === xAxis}>${c.label}</option>`,
      )}
      ${
        metrics.length
          ? html`<optgroup label="Metric">
            ${metrics.map((key) => html`<option value=${`metric:${key}`} ?selected=${key === xMetric}>${key}</option>`)}
          </optgroup>`
          : nothing
      }
    </select>
  </label>`;
}

/** What a group shows, as one choice: its line and its band. */
const GROUP_SHOWS: readonly { label: string; stat: GroupStat; band: GroupBand }[] = [
  { label: 'Mean, min–max', stat: 'mean', band: 'minmax' },
  { label: 'Mean ± sd', stat: 'mean', band: 'std' },
  { label: 'Median, min–max', stat: 'median', band: 'minmax' },
  { label: 'Mean only', stat: 'mean', band: 'none' },
  { label: 'Median only', stat: 'median', band: 'none' },
];

/** "Group by" a param (one line and band per value, as W&B's grouping), and what a group shows. */
function groupingControls(options: ToolbarOptions): TemplateResult | typeof nothing {
  const { groupKeys, groupBy, groupStat, groupBand, setGrouping } = options;
  if (groupKeys.length === 0 && !groupBy) return nothing;
  const keys = groupBy && !groupKeys.includes(groupBy) ? [...groupKeys, groupBy] : groupKeys;
  const shown = GROUP_SHOWS.findIndex((s) => s.stat === groupStat && s.band === groupBand);
  return html`<div class="grouping" part="grouping">
    <label>
      <span>Group by</span>
      <select
        @change=${(event: Event) =>
          setGrouping((event.target as HTMLSelectElement).value || undefined, groupStat, groupBand)}
      >
        <option value="" ?selected=${!groupBy}>None</option>
        ${keys.map((key) => html`<option value=${key} ?selected=${key === groupBy}>${key}</option>`)}
      </select>
    </label>
    ${
      groupBy
        ? html`<label>
          <span class="sr-only">What each group shows</span>
          <select
            @change=${(event: Event) => {
              const show = GROUP_SHOWS[Number((event.target as HTMLSelectElement).value)];
              setGrouping(groupBy, show.stat, show.band);
            }}
          >
            ${GROUP_SHOWS.map((s, i) => html`<option value=${i} ?selected=${i === shown}>${s.label}</option>`)}
          </select>
        </label>`
        : nothing
    }
  </div>`;
}

/** What every chart of the grid shares. */
export interface ChartGridOptions {
  readonly store: TrialStore;
  readonly study: string;
  /** The study's metric keys (for the empty state). */
  readonly keys: readonly string[];
  /** The metrics to chart, one chart each. */
  readonly chosen: readonly string[];
  readonly selected: readonly string[];
  /** Trials to emphasise when none is selected (those the table's filters keep). */
  readonly emphasised?: readonly string[];
  /** Show only the selected trials rather than highlight them. */
  readonly comparing: boolean;
  readonly theme?: 'light' | 'dark';
  readonly highlightFlag?: string;
  readonly xAxis: XAxis;
  readonly xMetric?: string;
  readonly yScale: YScale;
  readonly smoothing: number;
  /** Step annotations of the study's trials; each chart draws those of the trials it shows. */
  readonly annotations: readonly ChartAnnotation[];
  readonly smoothingKind: SmoothingKind;
  readonly groupBy?: string;
  readonly groupStat: GroupStat;
  readonly groupBand: GroupBand;
  readonly zoomChange: (event: ZoomChangeEvent) => void;
  readonly annotationRequest: (event: AnnotationRequestEvent) => void;
}

export function chartGrid(options: ChartGridOptions): TemplateResult {
  const { keys, chosen, comparing, selected } = options;
  return html`<div class="charts" part="charts">
    ${
      chosen.length
        ? chosen.map(
            (metric) => html`<figure class="chart">
              <figcaption><span>${metric}</span>${exportButtons(metric)}</figcaption>
              <trial-metrics-chart
                part="chart"
                theme=${options.theme ?? nothing}
                .store=${options.store}
                .study=${options.study}
                .metric=${metric}
                .trials=${comparing ? selected : undefined}
                .highlighted=${comparing ? [] : selected.length ? selected : (options.emphasised ?? [])}
                .highlightFlag=${options.highlightFlag}
                .xAxis=${options.xAxis}
                .xMetric=${options.xMetric}
                .yScale=${options.yScale}
                .smoothing=${options.smoothing}
                .annotations=${options.annotations}
                .smoothingKind=${options.smoothingKind}
                .groupBy=${options.groupBy}
                .groupStat=${options.groupStat}
                .groupBand=${options.groupBand}
                @zoom-change=${options.zoomChange}
                @annotation-request=${options.annotationRequest}
              ></trial-metrics-chart>
            </figure>`,
          )
        : empty(
            keys.length ? 'No metric chosen' : 'No metrics yet',
            keys.length ? 'Pick one above.' : 'Curves appear as trials log metrics.',
          )
    }
  </div>`;
}

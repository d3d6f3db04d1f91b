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
import type { XAxis, YScale } from '../metrics-chart/scales.js';
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
}

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
    <div class="actions">
      <button aria-pressed=${options.compare && count >= 2 ? 'true' : 'false'} ?disabled=${count < 2} @click=${options.toggleCompare}>
        Compare ${count >= 2 ? count : ''} trials
      </button>
      <button ?disabled=${count === 0} @click=${options.clearSelection}>Clear selection</button>
    </div>
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
  readonly yScale: YScale;
  readonly smoothing: number;
  /** Step annotations of the study's trials; each chart draws those of the trials it shows. */
  readonly annotations: readonly ChartAnnotation[];
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
              <figcaption>${metric}</figcaption>
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
                .yScale=${options.yScale}
                .smoothing=${options.smoothing}
                .annotations=${options.annotations}
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

/**
 * Step annotations on a chart: a marker (a line and a flag with the text) at the annotated step of
 * each drawn trial, positioned over the canvas in CSS pixels like the axis labels. Markers are
 * decoration (`aria-hidden`): the dashboard lists the same annotations, as text, beside the notes.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Frame } from './layout.js';
import type { XKind } from './scales.js';
import type { SeriesView } from './series-view.js';

/** A mark on a trial's curves at a step: "lr drop here", "diverged". */
export interface ChartAnnotation {
  readonly trialId: string;
  readonly step: number;
  readonly text: string;
  readonly author?: string;
}

/** The axis x of `step` on the view's curve: the step itself, or the time of its first point at or after it. */
export function annotationX(view: SeriesView, xAxis: XKind, step: number): number | undefined {
  if (xAxis === 'step') return step;
  const steps = view.series.steps;
  const n = view.series.length;
  for (let i = 0; i < n; i++) if (steps[i] >= step) return view.axisX(i);
  return undefined;
}

/** The markers of the annotations whose trial this chart draws and whose step is in view. */
export function annotationMarkers(
  frame: Frame | undefined,
  views: readonly SeriesView[],
  xAxis: XKind,
  annotations: readonly ChartAnnotation[],
): TemplateResult | typeof nothing {
  if (!frame || annotations.length === 0) return nothing;
  const byTrial = new Map(views.map((v) => [v.trial.id, v]));
  const left = frame.plot.left / frame.dpr;
  const top = frame.plot.top / frame.dpr;
  const width = frame.plot.width / frame.dpr;
  const height = frame.plot.height / frame.dpr;
  const markers: TemplateResult[] = [];
  for (const a of annotations) {
    const view = byTrial.get(a.trialId);
    const x = view && annotationX(view, xAxis, a.step);
    if (view === undefined || x === undefined) continue;
    const at = frame.x(x);
    if (!(at >= 0 && at <= width)) continue;
    markers.push(html`<div
      part="annotation"
      class="annotation"
      style="left:${left + at}px;top:${top}px;height:${height}px;--_mark:${view.style.color}"
    >
      <span class="annotation-flag">${a.text}</span>
    </div>`);
  }
  return html`<div class="annotations" aria-hidden="true">${markers}</div>`;
}

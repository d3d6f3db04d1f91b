/**
 * `trialkit/react`: a React component per trialkit element, made with `@lit/react` (an optional
 * peer, as is React). Props are the element's properties (objects pass as they are) and
 * `on<EventName>` callbacks typed by the event's class. Importing this module registers the
 * elements it wraps, and nothing else.
 *
 * A new element is one line below: its class, tag and events.
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { MetricsChart } from '../components/metrics-chart/metrics-chart.js';
import { ParallelCoords } from '../components/parallel-coords/parallel-coords.js';
import { ParamImportance } from '../components/param-importance/param-importance.js';
import { RunList } from '../components/run-list/run-list.js';
import { SlicePlot } from '../components/slice-plot/slice-plot.js';
import { TrialDashboard as TrialDashboardElement } from '../components/trial-dashboard/trial-dashboard.js';
import { TrialHistory as TrialHistoryElement } from '../components/trial-history/trial-history.js';
import { TrialTable as TrialTableElement } from '../components/trial-table/trial-table.js';

type EventType = keyof GlobalEventHandlersEventMap & string;
type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${Pascal<Tail>}`
  : Capitalize<S>;
/** `{ onTrialFinished: 'trial-finished' }`, typed so that the callback receives a `TrialFinishedEvent`. */
type Callbacks<T extends EventType> = {
  [Type in T as `on${Pascal<Type>}`]: EventName<GlobalEventHandlersEventMap[Type]>;
};

/** The callback props for the event types an element raises (see GlobalEventHandlersEventMap). */
function events<T extends EventType>(...types: T[]): Callbacks<T> {
  const pascal = (type: string) => type.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
  return Object.fromEntries(types.map((type) => [`on${pascal(type)}`, type])) as unknown as Callbacks<T>;
}

/** A React component for `elementClass`, registered under `tag` (its `define`), with `callbacks`. */
function wrap<E extends HTMLElement, C extends Record<string, EventName | string>>(
  elementClass: { new (): E; define(tag?: string): unknown },
  tag: string,
  callbacks: C,
) {
  elementClass.define(tag);
  return createComponent({ react: React, tagName: tag, elementClass, events: callbacks });
}

export const TrialDashboard = wrap(
  TrialDashboardElement,
  'trial-dashboard',
  events('trial-finished', 'trial-alert', 'view-change'),
);
export const TrialTable = wrap(
  TrialTableElement,
  'trial-table',
  events('trial-select', 'trial-link-request', 'trial-edit', 'trial-filter-change'),
);
export const TrialRunList = wrap(RunList, 'trial-run-list', events('study-select'));
export const TrialMetricsChart = wrap(
  MetricsChart,
  'trial-metrics-chart',
  events('trial-hover', 'trial-pin', 'zoom-change', 'annotation-request'),
);
export const TrialParallelCoords = wrap(
  ParallelCoords,
  'trial-parallel-coords',
  events('trial-filter-change', 'trial-hover', 'trial-select'),
);
export const TrialParamImportance = wrap(ParamImportance, 'trial-param-importance', events());
export const TrialSlicePlot = wrap(SlicePlot, 'trial-slice-plot', events('trial-hover', 'trial-select'));
export const TrialHistory = wrap(TrialHistoryElement, 'trial-history', events('trial-hover', 'trial-select'));

/**
 * `<trial-dashboard>`: the drop-in page of trialkit. It wires itself to a source (an SSE URL, an
 * MLflow server, or an in-process producer), and composes the run list, a study header, metric
 * charts, the trial table, a comparison of selected trials and their notes. Its view (see
 * `view-state.ts`) can live in the address bar or in a host router.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { StoreChange, StudyGrouping, TrialStore } from '../../client/index.js';
import type { EventProducer, Study, Trial } from '../../protocol/index.js';
import type { AnnotationRequestEvent } from '../events/annotation-request-event.js';
import type { StudySelectEvent } from '../events/study-select-event.js';
import type { AlertRule } from '../events/trial-alert-event.js';
import type { TrialEditEvent } from '../events/trial-edit-event.js';
import type { TrialFilterChangeEvent } from '../events/trial-filter-change-event.js';
import type { TrialHoverEvent } from '../events/trial-hover-event.js';
import type { TrialLinkRequestEvent } from '../events/trial-link-request-event.js';
import type { TrialSelectEvent } from '../events/trial-select-event.js';
import type { ZoomChangeEvent } from '../events/zoom-change-event.js';
import { defineElement } from '../internal/define-element.js';
import { trialLabel } from '../internal/format.js';
import { afterArrivals, LazyPart } from '../internal/lazy-part.js';
import { StoreController } from '../internal/store-controller.js';
import { type StudySummary, summarizeStudy } from '../internal/study-summary.js';
import type { EditAccess } from '../internal/team-controls.js';
import type { ChartAnnotation } from '../metrics-chart/annotations.js';
import type { GroupBand, GroupStat } from '../metrics-chart/group-options.js';
import type { Domain, XAxis, YScale } from '../metrics-chart/scales.js';
import type { SmoothingKind } from '../metrics-chart/smoothing-kinds.js';
import { RunList } from '../run-list/run-list.js';
import type { TrialFilters } from '../trial-table/filter.js';
import type { SortSpec } from '../trial-table/sort.js';
import { TrialTable } from '../trial-table/trial-table.js';
import { AlertWatcher, describeAlert } from './alerts.js';
import { filteredIds, MainView, viewTabStyles, viewTabs } from './analysis.js';
import type * as AnalysisPanel from './analysis-panel.js';
import { banner, type IgnoredErrors } from './banner.js';
import { chartGrid, toolbar } from './charts.js';
import type * as ComparePanel from './compare.js';
import { compareKit } from './compare-kit.js';
import { CopyLinkController } from './copy-link.js';
import { httpBase } from './http-base.js';
import { defaultMetrics, metricListConverter } from './metrics.js';
import type * as Notes from './notes-panel.js';
import type * as Presence from './presence.js';
import { SourceController } from './source-controller.js';
import { empty, skeleton, studyHeader } from './study-header.js';
import { findStudy, touchesStudy } from './study-lookup.js';
import { authorOf, TeamEdits, type Viewer } from './team-edits.js';
import { dashboardStyles } from './trial-dashboard.styles.js';
import { UrlStateController, viewUrl } from './url-state-controller.js';
import { DEFAULT_VIEW, toQuery, type ViewState } from './view-state.js';

/** The chart's code, asked for by the first `define()`; `chartLoaded` once it is registered. */
let chartLoad: Promise<void> | undefined;
let chartLoaded = false;

/**
 * A live dashboard of hyperparameter searches: studies on the left; for the chosen study a header,
 * one chart per chosen metric, the trial table, a side-by-side comparison of selected trials and
 * the notes of the trial last selected. Give it one of `src`, `mlflow` + `experiment`, `.source`
 * or `.store` and it shows live data with nothing else to configure.
 *
 * Its view — study, selected and compared trials, metrics, axes, smoothing, zoom, table sort and
 * filters — is the `view` property, announced by `view-change`; with `url-state` it is kept in the
 * address bar (a study change adds a history entry, other changes replace it), so links, reloads
 * and back and forward show the same view.
 *
 * @tag trial-dashboard
 * @summary Run list, study header, metric charts, trial table, compare and notes, wired to a live source.
 *
 * @event trial-finished - {TrialFinishedEvent} A trial moved to a terminal status (`.trial`, `.previousStatus`). Cancelable: cancels the browser notification.
 * @event view-change - {ViewChangeEvent} The view changed, by the user or through `view` (`.state`, `.query`): for a host router to keep.
 * @event trial-alert - {TrialAlertEvent} A new metric point met one of `alertRules` (`.rule`, `.trial`, `.value`, `.step`). Cancelable: cancels the browser notification.
 *
 * @csspart layout - The grid holding the sidebar and the main area.
 * @csspart sidebar - The column with the run list.
 * @csspart run-list - The `<trial-run-list>`.
 * @csspart main - The area for the chosen study.
 * @csspart banner - The connection and error banner (role=alert).
 * @csspart header - The study header.
 * @csspart copy-link - The header's "Copy link" button: copies a URL of the current view.
 * @csspart presence - The header's presence area: who else watches this study, or why that is unknown.
 * @csspart viewer - Each viewer's chip (initials on the viewer's colour; the name as its title).
 * @csspart viewer-names - The list of viewers' names shown on hover or focus of the presence area.
 * @csspart toolbar - The metric picker, the smoothing controls and the compare buttons.
 * @csspart metric-picker - The group of metric toggles.
 * @csspart x-axis - The "X axis" picker: step, time, relative time, or another metric.
 * @csspart smoothing - The smoothing slider and the smoothing kind picker beside it.
 * @csspart grouping - The "Group by" param picker and what each group shows.
 * @csspart view-tabs - The Curves / Analysis tab list.
 * @csspart analysis - The Analysis view: metric choice, parallel coordinates, history and slices (and importance, where `<trial-param-importance>` is registered).
 * @csspart parallel-coords - The `<trial-parallel-coords>`.
 * @csspart param-importance - The `<trial-param-importance>`, where a page registers one.
 * @csspart history - The `<trial-history>`.
 * @csspart slice-plot - The `<trial-slice-plot>`.
 * @csspart charts - The grid of charts.
 * @csspart chart - Each `<trial-metrics-chart>`.
 * @csspart chart-export - Each chart header's PNG, SVG and CSV buttons.
 * @csspart compare - The side-by-side hyperparameter table (with a Models row when trials have registered models).
 * @csspart model-link - A registered model version in the compare table, linked to the MLflow UI.
 * @csspart table - The `<trial-table>`.
 * @csspart notes - The notes panel.
 * @csspart comments - The `<trial-comments>` thread of the trial shown in the notes panel (loaded on demand).
 * @csspart skeleton - The placeholder shown while the first data loads.
 * @csspart empty - An empty-state message.
 *
 * @cssproperty [--trialkit-bg=#ffffff] - Page background (shared token, as are all `--trialkit-*` properties).
 * @cssproperty [--trialkit-surface=#f6f7f9] - Background of panels.
 * @cssproperty [--trialkit-fg=#1b1f24] - Text colour.
 * @cssproperty [--trialkit-accent=#2563c9] - Buttons and selection.
 * @cssproperty [--trialkit-danger=#c62828] - The error banner.
 * @cssproperty [--trialkit-muted=#5b6470] - Secondary text and tick labels.
 * @cssproperty [--trialkit-border=#d6dae0] - Borders and axis lines.
 * @cssproperty [--trialkit-grid=#e8ebef] - Grid lines, also on the charts' canvases.
 * @cssproperty [--trialkit-accent-fg=#ffffff] - Text on the accent colour.
 * @cssproperty [--trialkit-selection=rgba(47, 111, 222, 0.14)] - Background of selected rows and items.
 * @cssproperty [--trialkit-focus=#2563c9] - Focus rings.
 * @cssproperty [--trialkit-font=system-ui] - Font family, also for the charts' canvas text.
 * @cssproperty [--trialkit-mono=ui-monospace] - Monospace font (ids, values).
 * @cssproperty [--trialkit-font-size=13px] - Base font size.
 * @cssproperty [--trialkit-radius=6px] - Corner radius of panels, buttons and chips.
 * @cssproperty [--trialkit-row-height=32px] - Height of a table row.
 * @cssproperty [--trialkit-star=#b7791f] - A starred trial's star.
 * @cssproperty [--trialkit-status-running=#2563c9] - Colour of running trials (badges, icons).
 * @cssproperty [--trialkit-status-succeeded=#2e7d32] - Colour of succeeded trials.
 * @cssproperty [--trialkit-status-failed=#c62828] - Colour of failed trials.
 * @cssproperty [--trialkit-status-pruned=#a36100] - Colour of pruned trials.
 * @cssproperty [--trialkit-status-cancelled=#6b7280] - Colour of cancelled trials.
 * @cssproperty [--trialkit-status-pending=#8a94a3] - Colour of pending trials.
 * @cssproperty [--trialkit-dashboard-sidebar-width=300px] - Width of the run list on wide layouts.
 * @cssproperty [--trialkit-dashboard-chart-height=240px] - Height of each chart.
 * @cssproperty [--trialkit-dashboard-table-height=480px] - Height of the trial table.
 * @cssproperty [--trialkit-viewer-size=26px] - Diameter of a viewer's chip in the presence area.
 */
export class TrialDashboard extends LitElement {
  static override styles = [dashboardStyles, viewTabStyles];

  /**
   * Registers `<trial-dashboard>` (and the run list, table and chart it uses) unless already
   * registered. Idempotent; a second tag name gets a subclass, as a class can be defined once.
   * The chart is registered once its code has loaded: it comes with the connection's (`live.ts`).
   */
  static define(tag = 'trial-dashboard'): typeof TrialDashboard {
    RunList.define();
    TrialTable.define();
    chartLoad ??= import('./live.js').then(
      ({ MetricsChart }) => {
        MetricsChart.define();
        chartLoaded = true;
      },
      (err: unknown) => console.error('trialkit: the metrics chart could not be loaded', err),
    );
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
  }

  /** A store the host app feeds itself. With `source`, the source feeds this store. */
  @property({ attribute: false }) store?: TrialStore;
  /**
   * An in-process producer of protocol events (e.g. the sync engine). If it has
   * `setTrialNotes(trialId, notes)`, notes become editable.
   */
  @property({ attribute: false }) source?: EventProducer;
  /** URL of a Server-Sent Events stream of protocol events (e.g. `trialkit/server`'s `/events`). */
  @property() src?: string;
  /** URL of an MLflow tracking server to poll; needs `experiment`. */
  @property() mlflow?: string;
  /** Name of the MLflow experiment to show (with `mlflow`). */
  @property() experiment?: string;
  /** MLflow poll interval in milliseconds (the source's default when unset). */
  @property({ type: Number, attribute: 'poll-interval' }) pollInterval?: number;
  /**
   * With `mlflow`: what a study is — `parent` (default), each parent run of nested runs as well as
   * the experiment, or `experiment`, the experiment only.
   */
  @property() studies?: StudyGrouping;
  /** Base URL of the MLflow UI for run links (http or https only; others are ignored); defaults to `mlflow`. */
  @property({ attribute: 'mlflow-ui-url' }) mlflowUiUrl?: string;
  /** The study shown; defaults to the newest. Set by choosing in the run list. */
  @property() study?: string;
  /** Metric keys to chart (attribute: comma-separated); defaults to loss, accuracy and the objective. */
  @property({ converter: metricListConverter }) metrics?: string[];
  /** Selected trial ids: highlighted in the charts, compared, and the last one's notes shown. */
  @property({ attribute: false }) selected: readonly string[] = [];
  /** Compare the selected trials (two or more): charts show only them, next to a parameter table. */
  @property({ type: Boolean, reflect: true }) compare = false;
  /** Metric thresholds that raise `trial-alert`. */
  @property({ attribute: false }) alertRules: readonly AlertRule[] = [];
  /** Trials with this flag (e.g. `spectral_norm`) are drawn dashed in the charts. */
  @property({ attribute: 'highlight-flag' }) highlightFlag?: string;
  /** Also show alerts as browser notifications, if the page has been granted the permission; clicking one opens its trial. */
  @property({ type: Boolean }) notifications = false;
  /** The charts' x axis: `step`, `wall` (clock time) or `relative` (seconds since each trial started). */
  @property({ attribute: 'x-axis' }) xAxis: XAxis = 'step';
  /** Another metric as the charts' x (e.g. `tokens`), paired with each point by step; overrides `xAxis`. */
  @property({ attribute: 'x-metric' }) xMetric?: string;
  /** The charts' y scale: `linear` or `log`. */
  @property({ attribute: 'y-scale' }) yScale: YScale = 'linear';
  /** The charts' curve smoothing, 0 (none) to just below 1. */
  @property({ type: Number }) smoothing = 0;
  /** How the charts smooth: `ema`, `running` (centred average) or `gaussian`. */
  @property({ attribute: 'smoothing-kind' }) smoothingKind: SmoothingKind = 'ema';
  /** The param (or tag) the charts group trials by, one line and band per value; unset draws every trial. */
  @property({ attribute: 'group-by' }) groupBy?: string;
  /** A group's line: `mean` or `median`. */
  @property({ attribute: 'group-stat' }) groupStat: GroupStat = 'mean';
  /** A group's band: `minmax`, `std` (± one standard deviation) or `none`. */
  @property({ attribute: 'group-band' }) groupBand: GroupBand = 'minmax';
  /**
   * Keep the view in the address bar's query: a study change pushes a history entry, other changes
   * replace it; back and forward restore the view; on connect the address bar's view is shown.
   * Off by default: the host app usually owns its URL (it can use `view` and `view-change`).
   */
  @property({ type: Boolean, attribute: 'url-state' }) urlState = false;
  /**
   * The name this tab's viewer is shown by to others watching the same study (presence); unset:
   * counted as anonymous. A server with its own sign-in may override it.
   */
  @property({ attribute: 'viewer-name' }) viewerName?: string;
  /** The viewer's colour as `#rrggbb` (others are ignored); unset: the server picks one. */
  @property({ attribute: 'viewer-color' }) viewerColor?: string;
  /** `light` or `dark`; unset follows the OS. Passed on to the child components. */
  @property({ reflect: true }) theme?: 'light' | 'dark';
  /**
   * Where the page posts a team's edits (stars, tags, comments, annotations) when it reads `src`:
   * the dashboard server sets it to `/events` when it takes them. An in-process `source` with
   * `applyEvents` (the sync engine) takes them without it.
   */
  @property({ attribute: 'post-url' }) postUrl?: string;
  /**
   * Who is looking: comments are signed with `name` ("anonymous" without one), which presence shows
   * too; `viewer-name` and `viewer-color` say the same as attributes.
   */
  @property({ attribute: false }) viewer?: Viewer;

  @state() private errors: IgnoredErrors = { count: 0 };
  /** The x window every chart shows (one chart's box zoom applies to all); undefined: all of it. */
  @state() private zoom?: Domain;
  @state() private tableSort: readonly SortSpec[] = [];
  @state() private tableFilters: TrialFilters = {};
  /** What the area above the table shows: the curves or the analysis views. */
  @state() private mainView: MainView = MainView.curves;
  /** The metric the analysis views analyse; undefined: the study's objective. */
  @state() private analysisMetric?: string;
  /** The trial under the pointer in an analysis view, shown in the others. */
  @state() private hoveredTrial?: string;
  /** The trials the filters keep, for the charts' emphasis; recomputed when the filters or the study's data change. */
  private emphasis?: { filters: TrialFilters; cache: object; ids?: string[] };
  private readonly url = new UrlStateController(this, {
    enabled: () => this.urlState,
    view: () => this.view,
    show: (state) => {
      this.view = state;
    },
  });
  // The study shown is named, picked or not: a link opens what its sender saw, not the newest study then.
  private readonly copyLink = new CopyLinkController(this, () => {
    const view = this.view;
    return viewUrl(toQuery({ ...view, study: view.study ?? this.cache?.studyId }));
  });
  /** The notes panel, loaded with the first trial shown. */
  private readonly notesPart = new LazyPart(this, () => import('./notes-panel.js'));
  private notes?: Notes.NotesPanel;
  /** The trial the user last acted on (clicked in the table, a chart, an alert): shown while it stays selected. */
  private lastActed?: string;
  /** Notes written as a `trial.patch`, where the source has no `setTrialNotes` but takes edits. */
  private readonly notesByPatch = {
    setTrialNotes: async (trialId: string, notes: string) => {
      const edit = { type: 'trial.patch' as const, trialId, notes: notes === '' ? null : notes };
      if (!(await this.team.write(edit))) throw new Error(this.team.last?.reason ?? 'not saved');
    },
  };
  private readonly team = new TeamEdits(this, () => ({
    source: this.source,
    postUrl: this.postUrl,
    src: this.src,
    mlflow: this.mlflow,
  }));
  /** `<trial-comments>` is loaded with the first trial shown: a page that never selects one never loads it. */
  private commentsLoad?: Promise<unknown>;

  private readonly sources = new SourceController(this, () => ({
    store: this.store,
    source: this.source,
    src: this.src,
    mlflow: this.mlflow,
    experiment: this.experiment,
    pollIntervalMs: this.pollInterval,
    studies: this.studies,
  }));
  private readonly storeLink = new StoreController(this, {
    onChange: (change, store) => this.onStoreChange(change, store),
  });
  private readonly alerts = new AlertWatcher();
  /** The header's presence area, loaded once the source says whether it shares presence. */
  private readonly presencePart = new LazyPart(this, () => import('./presence.js'));
  private presence?: Presence.PresenceController;
  /** True when `metrics` was set by the picker rather than by the host: a study switch resets it. */
  private metricsPicked = false;
  /** Whether the user picked the grouping here (a study switch drops it; a host's `group-by` stays). */
  private groupPicked = false;
  /** A view was set since the last update: what it holds stays when its study is another. */
  private viewApplied = false;
  /** Derived from the store for the shown study; rebuilt only when a change touches that study. */
  private cache?: {
    studyId: string;
    summary: StudySummary;
    keys: string[];
    annotations: ChartAnnotation[];
    paramKeys: string[];
  };

  /**
   * The view: what a link restores. Reading it gives the study shown (by id once the store knows
   * it) and the user's choices; setting it shows that view. A `study` that matches no study id is
   * matched by name; trials no longer in the store and metrics the study lacks are left out.
   */
  get view(): ViewState {
    const store = this.sources.store;
    const shown = store && this.currentStudy(store);
    const study = store && this.study ? (shown?.id ?? this.study) : this.study;
    // The study's metric keys, once rendered: a metric it lacks is not part of the view.
    const keys = this.cache && (!study || this.cache.studyId === study) ? this.cache.keys : undefined;
    const metrics = this.metricsPicked ? this.metrics : undefined;
    return {
      study,
      selected: this.selected,
      compare: this.compare && this.selected.length >= 2,
      metrics: keys && metrics ? metrics.filter((key) => keys.includes(key)) : metrics,
      xAxis: this.xAxis,
      xMetric: this.xMetric,
      yScale: this.yScale,
      smoothing: this.smoothing,
      smoothingKind: this.smoothingKind,
      zoom: this.zoom,
      groupBy: this.groupBy,
      groupStat: this.groupStat,
      groupBand: this.groupBand,
      sort: this.tableSort,
      filters: this.tableFilters,
      ...(store && shown && this.known(store, shown, keys)),
    };
  }
  set view(state: ViewState) {
    this.url.restored();
    this.viewApplied = true;
    this.study = state.study;
    this.select(state.selected);
    this.compare = state.compare && state.selected.length >= 2;
    this.metrics = state.metrics && [...state.metrics];
    this.metricsPicked = state.metrics !== undefined;
    this.xAxis = state.xAxis;
    this.xMetric = state.xMetric;
    this.yScale = state.yScale;
    this.smoothing = state.smoothing;
    this.smoothingKind = state.smoothingKind;
    this.groupBy = state.groupBy;
    this.groupPicked = state.groupBy !== undefined;
    this.groupStat = state.groupStat;
    this.groupBand = state.groupBand;
    this.zoom = state.zoom && [state.zoom[0], state.zoom[1]];
    this.tableSort = state.sort;
    this.tableFilters = state.filters;
  }

  /** The store being shown: `store`, or the one made for the connection this element opened. */
  get activeStore(): TrialStore | undefined {
    return this.sources.store;
  }

  protected override willUpdate(changed: PropertyValues): void {
    this.sources.update();
    const store = this.sources.store;
    if (store !== this.storeLink.store) {
      this.storeLink.store = store;
      this.alerts.reset();
      this.cache = undefined;
      this.errors = { count: 0 };
    }
    if (changed.has('alertRules')) this.alerts.rules = this.alertRules;
    const viewApplied = this.viewApplied;
    this.viewApplied = false;
    // Picking the study already shown (the newest, once the user changes its view) changes nothing.
    const shown = this.cache?.studyId;
    if (
      changed.has('study') &&
      this.hasUpdated &&
      !(shown && store && this.currentStudy(store)?.id === shown)
    ) {
      // Another study: its trials, metrics and steps are others, so what was chosen in the previous
      // one goes — unless a view chose them along with the study.
      this.cache = undefined;
      if (!changed.has('selected')) this.clearSelection();
      if (!changed.has('metrics')) {
        if (this.metricsPicked) this.metrics = undefined;
        this.metricsPicked = false;
      }
      if (!changed.has('zoom')) this.zoom = undefined;
      // Filters, sort and grouping name the old study's params and metrics.
      if (!viewApplied) {
        this.tableFilters = {};
        this.tableSort = [];
        if (this.groupPicked) this.groupBy = undefined;
        this.groupPicked = false;
      }
      this.analysisMetric = undefined;
      this.hoveredTrial = undefined;
    }
    if ((changed.has('xAxis') || changed.has('xMetric')) && !changed.has('zoom')) this.zoom = undefined;
    this.updatePresence(store);
    if (store?.loaded) {
      // A linked trial was removed, never existed, or is another study's: show the others.
      const study = this.currentStudy(store)?.id;
      const kept = this.selected.filter((id) => {
        const trial = store.getTrial(id);
        return trial && (!study || trial.studyId === study);
      });
      if (kept.length < this.selected.length) this.select(kept);
    }
  }

  /** Tells the store which study this tab shows and as whom; the presence area follows who joins or leaves. */
  private updatePresence(store: TrialStore | undefined): void {
    if (!store) return;
    const self = {
      studyId: this.currentStudy(store)?.id,
      name: this.viewerName ?? this.viewer?.name,
      color: this.viewerColor ?? this.viewer?.color,
    };
    store.presence.announce(self);
    const module = store.presence.status.state === 'pending' ? undefined : this.presencePart.get();
    if (module) this.presence ??= new module.PresenceController();
    this.presence?.update(store, self.studyId);
  }

  protected override updated(changed: PropertyValues): void {
    if (this.zoom || changed.has('zoom')) void this.applyZoom();
    // The user changed the view (a selection, zoom, sort…) of the newest study, shown while none is
    // picked: it stays when a newer one arrives. (Not a view applied from a link or the history:
    // that one says which study it shows.)
    if (this.url.announce(changed.has('study')) && !this.study) this.study = this.cache?.studyId;
  }

  /** Gives every chart the shared x window, once it has rendered (a new axis clears its zoom). */
  private async applyZoom(): Promise<void> {
    const zoom = this.zoom;
    for (const chart of this.renderRoot.querySelectorAll('trial-metrics-chart')) {
      await chart.updateComplete;
      if (zoom === this.zoom) chart.zoomToX(zoom);
    }
  }

  private onStoreChange(change: StoreChange, store: TrialStore): boolean {
    for (const event of this.alerts.observe(change, store)) this.raise(event);
    if (change.errors.length) {
      this.errors = { count: this.errors.count + change.errors.length, last: change.errors.at(-1) };
    }
    const studyId = this.currentStudy(store)?.id;
    if (this.cache && (this.cache.studyId !== studyId || touchesStudy(change, store, studyId))) {
      this.cache = undefined;
    }
    // Points appended to other studies' series (the common case when live) need no new render here:
    // the charts and table listen to the store themselves.
    const touchesSelection = this.selected.some((id) => change.trials.has(id));
    return (
      change.reset ||
      change.studies.size > 0 ||
      change.connection ||
      change.presence ||
      change.errors.length > 0 ||
      !this.cache ||
      touchesSelection
    );
  }

  /**
   * Dispatches an alert and, unless a listener cancelled it, shows it as a notification; clicking
   * the notification brings the page forward with the alert's trial selected in its study.
   */
  private raise(event: Event): void {
    const proceed = this.dispatchEvent(event);
    const alert = describeAlert(event);
    if (!proceed || !alert || !this.notifications) return;
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const notification = new Notification(alert.title, { body: alert.body });
    notification.onclick = () => {
      window.focus();
      this.showTrial(alert.trial);
    };
  }

  /** Shows `trial`'s study with that trial selected (a study change, so url-state adds a history entry). */
  private showTrial(trial: Trial): void {
    this.study = trial.studyId;
    this.lastActed = trial.id;
    this.select([trial.id]);
  }

  /** The x metric and grouping of the curves, or none where a link named what the study lacks. */
  private known(store: TrialStore, study: Study, keys: readonly string[] | undefined) {
    const { xMetric: x, groupBy: g } = this;
    return {
      xMetric: keys && x && !keys.includes(x) ? undefined : x,
      groupBy:
        g && !store.trialsOf(study.id).some((t) => Object.hasOwn(t.params, g) || Object.hasOwn(t.tags, g))
          ? undefined
          : g,
    };
  }

  private currentStudy(store: TrialStore): Study | undefined {
    return findStudy(store, this.study);
  }

  private derived(
    store: TrialStore,
    study: Study,
  ): { summary: StudySummary; keys: string[]; annotations: ChartAnnotation[]; paramKeys: string[] } {
    if (this.cache?.studyId !== study.id) {
      this.cache = {
        studyId: study.id,
        summary: summarizeStudy(store, study),
        keys: store.metricKeys(study.id),
        annotations: annotationsOf(store.trialsOf(study.id)),
        paramKeys: paramKeysOf(store.trialsOf(study.id)),
      };
    }
    return this.cache;
  }

  /** The comparison, loaded when trials are first compared (most visits never compare). */
  private readonly comparePanel = new LazyPart(this, () => import('./compare.js'));
  /** The Analysis panel and its views, loaded when the tab first opens. */
  private readonly analysisPanel = new LazyPart(this, () => import('./analysis-panel.js'));

  private renderCompare(
    store: TrialStore,
    selected: readonly string[],
    mlflowUiUrl: string | undefined,
    edits: ComparePanel.CompareEdits,
  ): TemplateResult {
    const panel = this.comparePanel.get();
    if (panel) return panel.compareSelected(store, selected, compareKit, mlflowUiUrl, edits);
    return html`<div class="compare" part="compare" role="status">${this.comparePanel.status('the comparison')}</div>`;
  }

  private renderAnalysis(options: AnalysisPanel.AnalysisViewOptions): TemplateResult {
    const panel = this.analysisPanel.get();
    if (panel) return panel.analysisView(options);
    return html`<div class="analysis" part="analysis" role="status">${this.analysisPanel.status('the analysis')}</div>`;
  }

  /** Also waits for the chart's code and a lazy part's once asked for, and the render that follows. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const parts = [this.comparePanel, this.analysisPanel, this.notesPart, this.presencePart];
    return afterArrivals(
      await super.getUpdateComplete(),
      [chartLoaded ? undefined : chartLoad, ...parts.map((part) => part.arriving)],
      () => super.getUpdateComplete(),
    );
  }

  protected override render(): TemplateResult {
    const store = this.sources.store;
    return html`
      <div class="layout" part="layout">
        <nav class="sidebar" part="sidebar" aria-label="Studies">
          ${
            store
              ? html`<trial-run-list
                part="run-list"
                theme=${this.theme ?? nothing}
                .store=${store}
                .selected=${store && this.currentStudy(store)?.id}
                @study-select=${this.onStudySelect}
              ></trial-run-list>`
              : nothing
          }
        </nav>
        <section class="main" part="main" aria-label="Study" aria-busy=${this.sources.pending || (store && !store.loaded) ? 'true' : 'false'}>
          ${banner(store, this.errors, () => this.dismissErrors())} ${this.renderMain(store)}
        </section>
      </div>
    `;
  }

  private renderMain(store: TrialStore | undefined): TemplateResult {
    if (!store) {
      if (this.sources.pending) return skeleton();
      if (this.sources.error) return empty('Could not connect', this.sources.error.message);
      return empty('No data source', 'Set src, mlflow and experiment, or the store or source property.');
    }
    if (!store.loaded) return skeleton();
    const study = this.currentStudy(store);
    if (!study) {
      return store.studies.size
        ? empty('Study not found', `There is no study with id or name ${this.study}.`)
        : empty('No studies yet', 'Studies appear here as soon as the source reports one.');
    }
    const { summary, keys, annotations } = this.derived(store, study);
    return html`
      ${studyHeader(study, summary, (trialId) => this.select([trialId]), html`${this.presence?.render(store, study.id) ?? nothing}${this.copyLink.render()}`)}
      ${summary.total === 0 ? empty('No trials yet', 'Trials of this study appear here as they start.') : this.renderTrials(store, study, keys, annotations)}
    `;
  }

  private renderTrials(
    store: TrialStore,
    study: Study,
    keys: string[],
    annotations: readonly ChartAnnotation[],
  ): TemplateResult {
    const chosen = (this.metrics ?? defaultMetrics(keys, study.objective?.metric)).filter((key) =>
      keys.includes(key),
    );
    const comparing = this.compare && this.selected.length >= 2;
    const mlflowUiUrl = httpBase(this.mlflowUiUrl ?? this.mlflow);
    const { selected, theme } = this;
    const access = this.team.access;
    const edits = {
      access,
      onEdit: this.onEdit,
      addingTagTo: this.team.addingTagTo,
      setAddingTag: this.team.setAddingTag,
    };
    const shown = this.lastActed && selected.includes(this.lastActed) ? this.lastActed : selected.at(-1);
    const shownTrial = shown === undefined ? undefined : store.getTrial(shown);
    const analysing = this.mainView === MainView.analysis;
    // A link may name an x metric or grouping the study lacks: the curves are drawn without it.
    const { xMetric, groupBy } = this.known(store, study, keys);
    return html`
      ${viewTabs(this.mainView, (view) => this.showView(view))}
      <div role="tabpanel" id="panel-${this.mainView}" aria-labelledby="tab-${this.mainView}">
      ${
        analysing
          ? this.renderAnalysis({
              store,
              study,
              keys,
              metric: this.analysisMetric,
              selected,
              hovered: this.hoveredTrial,
              filters: this.tableFilters,
              theme,
              pickMetric: (metric) => this.pickAnalysisMetric(metric),
              filterChange: this.onFilterChange,
              hover: this.onTrialHover,
              select: this.onTrialSelect,
            })
          : html`${toolbar({
              keys,
              chosen,
              selectedCount: selected.length,
              compare: this.compare,
              toggleMetric: (key) => this.toggleMetric(key, chosen),
              toggleCompare: this.toggleCompare,
              clearSelection: this.clearSelection,
              smoothing: this.smoothing,
              smoothingKind: this.smoothingKind,
              setSmoothing: (smoothing, kind) => {
                this.smoothing = smoothing;
                this.smoothingKind = kind;
              },
              groupKeys: this.derived(store, study).paramKeys,
              groupBy,
              groupStat: this.groupStat,
              groupBand: this.groupBand,
              xAxis: this.xAxis,
              xMetric,
              setXAxis: (xAxis, xMetric) => {
                this.xAxis = xAxis;
                this.xMetric = xMetric;
              },
              setGrouping: (groupBy, stat, band) => {
                this.groupBy = groupBy;
                this.groupPicked = true;
                this.groupStat = stat;
                this.groupBand = band;
              },
            })}
            ${chartGrid({
              store,
              study: study.id,
              keys,
              chosen,
              selected,
              emphasised: this.emphasised(store, study.id),
              comparing,
              theme,
              highlightFlag: this.highlightFlag,
              xAxis: this.xAxis,
              xMetric,
              yScale: this.yScale,
              smoothing: this.smoothing,
              smoothingKind: this.smoothingKind,
              groupBy,
              groupStat: this.groupStat,
              groupBand: this.groupBand,
              annotations,
              zoomChange: this.onZoomChange,
              annotationRequest: this.onAnnotationRequest,
            })}`
      }
      </div>
      ${comparing ? this.renderCompare(store, selected, mlflowUiUrl, edits) : nothing}
      <div class="lower">
        <trial-table
          part="table"
          theme=${theme ?? nothing}
          .store=${store}
          .study=${study.id}
          .selected=${selected}
          .sort=${this.tableSort}
          .filters=${this.tableFilters}
          @click=${this.onTableInput}
          @input=${this.onTableInput}
          @change=${this.onTableInput}
          @keydown=${this.onTableInput}
          @trial-filter-change=${this.onFilterChange}
          .mlflowUiUrl=${mlflowUiUrl}
          trial-links
          ?editable=${access.writable}
          read-only-reason=${access.reason ?? nothing}
          @trial-select=${this.onTrialSelect}
          @trial-link-request=${this.onTrialLinkRequest}
          @trial-edit=${this.onTrialEdit}
        ></trial-table>
        <div class="side">
          ${this.renderNotes(shownTrial)}
          ${this.renderComments(shownTrial, access)}
          <p class="muted small edit-status" role="status">${this.team.last?.message ?? ''}</p>
        </div>
      </div>
    `;
  }

  /** The trials the table's filters keep, which the charts emphasise when nothing is selected. */
  private emphasised(store: TrialStore, studyId: string): readonly string[] | undefined {
    const cache = this.cache;
    if (!cache) return undefined;
    if (this.emphasis?.filters !== this.tableFilters || this.emphasis.cache !== cache) {
      this.emphasis = {
        filters: this.tableFilters,
        cache,
        ids: filteredIds(store, studyId, this.tableFilters),
      };
    }
    return this.emphasis.ids;
  }

  private showView(view: MainView): void {
    this.mainView = view;
  }

  private pickAnalysisMetric(metric: string | undefined): void {
    this.analysisMetric = metric;
  }

  /** The table's filters changed, or brushes in the parallel coordinates: the table (and the charts' emphasis) take them. */
  private onFilterChange(event: TrialFilterChangeEvent): void {
    this.tableFilters = event.filters;
  }

  private onTrialHover(event: TrialHoverEvent): void {
    this.hoveredTrial = event.trialId;
  }

  private onStudySelect(event: StudySelectEvent): void {
    this.study = event.studyId;
  }

  private onZoomChange(event: ZoomChangeEvent): void {
    const x = event.x && ([event.x[0], event.x[1]] as Domain);
    if (x?.[0] !== this.zoom?.[0] || x?.[1] !== this.zoom?.[1]) this.zoom = x;
  }

  /**
   * The table raises no event for its sort (its own property): after any input in it, read it back
   * once the table has updated. Its filters come as `trial-filter-change`.
   */
  private async onTableInput(event: Event): Promise<void> {
    const table = event.currentTarget as TrialTable;
    await table.updateComplete;
    if (table.sort !== this.tableSort) this.tableSort = table.sort;
  }

  private onTrialEdit(event: TrialEditEvent): void {
    void this.team.write(event.edit);
  }

  private readonly onEdit = (edit: TrialEditEvent['edit']): void => {
    void this.team.write(edit);
  };

  private renderNotes(trial: Trial | undefined): TemplateResult {
    const module = trial && this.notesPart.get();
    if (module)
      this.notes ??= new module.NotesPanel(
        this,
        () => this.source,
        () => (this.team.access.writable ? this.notesByPatch : undefined),
      );
    if (trial && this.notes) return this.notes.render(trial);
    return html`<aside class="notes" part="notes" aria-label="Notes">
      <h3>Notes${trial ? html` · trial ${trialLabel(trial)}` : nothing}</h3>
      <p class="muted" role="status">${trial ? this.notesPart.status('the notes') : 'Select a trial to see its notes.'}</p>
    </aside>`;
  }

  private renderComments(trial: Trial | undefined, access: EditAccess): TemplateResult {
    this.commentsLoad ??= import('../trial-comments/trial-comments.js').then(({ TrialComments }) =>
      TrialComments.define(),
    );
    return html`<trial-comments
      part="comments"
      theme=${this.theme ?? nothing}
      author=${authorOf({ ...this.viewer, name: this.viewer?.name ?? this.viewerName })}
      .trial=${trial}
      .access=${access}
      .write=${this.writeEdit}
    ></trial-comments>`;
  }

  private readonly writeEdit = (edit: TrialEditEvent['edit']): Promise<boolean> => this.team.write(edit);

  /** A click on a chart's curve: that trial's comments, with the annotation form at that step. */
  private async onAnnotationRequest(event: AnnotationRequestEvent): Promise<void> {
    const { trialId, step, key } = event;
    if (!this.selected.includes(trialId)) this.select([...this.selected, trialId]);
    this.lastActed = trialId;
    this.requestUpdate();
    await this.commentsLoad;
    await this.updateComplete;
    await this.renderRoot.querySelector('trial-comments')?.annotate(trialId, step, key);
  }

  private onTrialSelect(event: TrialSelectEvent): void {
    this.lastActed = event.trial?.id;
    this.select(event.trialIds);
  }

  /** A row's link: the trial's study with that trial selected, nothing else of this view. */
  private onTrialLinkRequest(event: TrialLinkRequestEvent): void {
    const { trial } = event;
    void this.copyLink.copy(
      viewUrl(toQuery({ ...DEFAULT_VIEW, study: trial.studyId, selected: [trial.id] })),
    );
  }

  private select(ids: readonly string[]): void {
    this.selected = [...ids];
    if (this.selected.length < 2) this.compare = false;
  }

  private clearSelection(): void {
    this.select([]);
  }

  private toggleCompare(): void {
    this.compare = !this.compare;
  }

  private toggleMetric(key: string, chosen: string[]): void {
    this.metricsPicked = true;
    this.metrics = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
  }

  private dismissErrors(): void {
    this.errors = { count: 0 };
  }
}

/** The params the study's trials carry, in name order: what the charts can group by. */
function paramKeysOf(trials: readonly Trial[]): string[] {
  const keys = new Set<string>();
  for (const trial of trials) for (const key of Object.keys(trial.params)) keys.add(key);
  return [...keys].sort((a, b) => a.localeCompare(b));
}

/** The study's step annotations, for the charts: every comment with a step. */
function annotationsOf(trials: readonly Trial[]): ChartAnnotation[] {
  const out: ChartAnnotation[] = [];
  for (const trial of trials) {
    for (const c of trial.comments ?? []) {
      if (c.step !== undefined) out.push({ trialId: trial.id, step: c.step, text: c.text, author: c.author });
    }
  }
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-dashboard': TrialDashboard;
  }
}

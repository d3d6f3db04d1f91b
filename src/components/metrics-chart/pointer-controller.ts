/**
 * The chart's pointer: what is under it (the hit), and box-drag zoom. A reactive controller so the
 * element only wires the handlers to its overlay canvas and reacts to `onChange` and `onZoom`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Hit, hitTest } from './hit-test.js';
import type { Frame } from './layout.js';
import type { DragBox, PlotPoint } from './paint.js';
import type { Domain } from './scales.js';
import type { SeriesView } from './series-view.js';

/** A drag shorter than this (CSS pixels) is a click, not a zoom. */
const MIN_DRAG = 5;

export interface PointerOptions {
  /** The frame last painted; no frame, no hits. */
  frame(): Frame | undefined;
  /** The curves to hit-test. */
  views(): readonly SeriesView[];
  /**
   * The hit was recomputed (`fromPointer` is false when new data arrived under a still pointer);
   * the host redraws the overlay and tooltip.
   */
  onChange(fromPointer: boolean): void;
  /** The drag box changed or ended: the host redraws the overlay. */
  onDrag(): void;
  /** A box was dragged: zoom to it (y undefined when the box was too flat to zoom y). */
  onZoom(x: Domain, y: Domain | undefined): void;
  /** A press and release without a drag, with what was under the pointer. */
  onClick?(hit: Hit | undefined): void;
}

export class PointerController implements ReactiveController {
  /** Where the pointer is in the plot, while it is over it (or dragging). */
  pointer?: PlotPoint;
  /** The points under the pointer, with the nearest. */
  hit?: Hit;
  /** The zoom box being dragged. */
  drag?: DragBox;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: PointerOptions,
  ) {
    host.addController(this);
  }

  /** A drag cannot outlive the element's place in the document. */
  hostDisconnected(): void {
    this.drag = undefined;
    this.pointer = undefined;
    this.hit = undefined;
  }

  /** Recomputes what is under the pointer and tells the host. */
  update(fromPointer: boolean): void {
    const frame = this.options.frame();
    const p = this.pointer;
    this.hit =
      frame && p && !this.drag
        ? hitTest(
            this.options.views(),
            p.left,
            p.top,
            (left) => +frame.x.invert(left),
            (x) => frame.x(x),
            (v) => frame.y(v),
          )
        : undefined;
    this.options.onChange(fromPointer);
  }

  readonly onPointerDown = (e: PointerEvent): void => {
    const p = this.plotPoint(e);
    if (!p || e.button !== 0 || !this.insidePlot(p)) return;
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    this.drag = { left: p.left, top: p.top, toLeft: p.left, toTop: p.top };
  };

  readonly onPointerMove = (e: PointerEvent): void => {
    const p = this.plotPoint(e);
    if (!p) return;
    if (this.drag) {
      this.drag.toLeft = p.left;
      this.drag.toTop = p.top;
    }
    this.pointer = this.insidePlot(p) || this.drag ? p : undefined;
    this.update(true);
  };

  readonly onPointerUp = (e: PointerEvent): void => {
    const drag = this.drag;
    this.drag = undefined;
    const frame = this.options.frame();
    if (!drag || !frame) return;
    const p = this.plotPoint(e) ?? { left: drag.toLeft, top: drag.toTop };
    const w = frame.plot.width / frame.dpr;
    const h = frame.plot.height / frame.dpr;
    const x0 = clamp(Math.min(drag.left, p.left), 0, w);
    const x1 = clamp(Math.max(drag.left, p.left), 0, w);
    const y0 = clamp(Math.min(drag.top, p.top), 0, h);
    const y1 = clamp(Math.max(drag.top, p.top), 0, h);
    this.options.onDrag();
    if (x1 - x0 < MIN_DRAG && y1 - y0 < MIN_DRAG) {
      this.update(true);
      this.options.onClick?.(this.hit);
      return;
    }
    if (x1 - x0 < MIN_DRAG) return;
    const xDomain: Domain = [+frame.x.invert(x0), +frame.x.invert(x1)];
    const yDomain: Domain | undefined =
      y1 - y0 >= MIN_DRAG ? [frame.y.invert(y1), frame.y.invert(y0)] : undefined;
    this.options.onZoom(xDomain, yDomain);
  };

  readonly onPointerLeave = (): void => {
    if (this.drag) return;
    this.pointer = undefined;
    this.update(true);
  };

  private plotPoint(e: PointerEvent | MouseEvent): PlotPoint | undefined {
    const frame = this.options.frame();
    if (!frame) return undefined;
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return {
      left: e.clientX - rect.left - frame.plot.left / frame.dpr,
      top: e.clientY - rect.top - frame.plot.top / frame.dpr,
    };
  }

  private insidePlot(p: PlotPoint): boolean {
    const frame = this.options.frame();
    if (!frame) return false;
    return (
      p.left >= 0 &&
      p.top >= 0 &&
      p.left <= frame.plot.width / frame.dpr &&
      p.top <= frame.plot.height / frame.dpr
    );
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

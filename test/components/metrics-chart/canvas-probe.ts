/** Reading a chart's canvas and driving its pointer, for the chart's browser tests. */
import type { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';

export function canvasOf(el: MetricsChart): HTMLCanvasElement {
  return el.shadowRoot!.querySelector('canvas.main')!;
}

/** The curves as the user sees them: the main canvas at its CSS opacity, the emphasis layer over it. */
function composite(el: MetricsChart): CanvasRenderingContext2D {
  const main = canvasOf(el);
  const scratch = document.createElement('canvas');
  scratch.width = main.width;
  scratch.height = main.height;
  const ctx = scratch.getContext('2d', { willReadFrequently: true })!;
  ctx.globalAlpha = Number(getComputedStyle(main).opacity);
  ctx.drawImage(main, 0, 0);
  ctx.globalAlpha = 1;
  ctx.drawImage(el.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.emphasis')!, 0, 0);
  return ctx;
}

/** The RGBA of the device pixel under the CSS position (left, top) of the canvas, layers composited. */
export function pixelAt(el: MetricsChart, left: number, top: number, ctx = composite(el)): number[] {
  const canvas = canvasOf(el);
  const scale = canvas.width / canvas.getBoundingClientRect().width;
  return Array.from(ctx.getImageData(Math.floor(left * scale), Math.floor(top * scale), 1, 1).data);
}

/** Whether any pixel within `r` CSS pixels of (left, top) is painted in roughly `hex`. */
/**
 * Whether a pixel within `r` of (left, top) is painted in roughly `hex`, at least `minAlpha` opaque
 * (a hairline between two pixel rows covers each by half).
 */
export function paintedNear(
  el: MetricsChart,
  left: number,
  top: number,
  hex: string,
  r = 1,
  minAlpha = 150,
): boolean {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const ctx = composite(el);
  for (let dx = -r; dx <= r; dx++) {
    for (let dy = -r; dy <= r; dy++) {
      const [red, green, blue, alpha] = pixelAt(el, left + dx, top + dy, ctx);
      const close = Math.abs(red - want[0]) + Math.abs(green - want[1]) + Math.abs(blue - want[2]) < 60;
      if (alpha > minAlpha && close) return true;
    }
  }
  return false;
}

export function pointer(el: MetricsChart, type: string, left: number, top: number): void {
  const overlay = el.shadowRoot!.querySelector('canvas.overlay')!;
  const rect = overlay.getBoundingClientRect();
  const init = { clientX: rect.left + left, clientY: rect.top + top, bubbles: true, button: 0, pointerId: 1 };
  overlay.dispatchEvent(type === 'dblclick' ? new MouseEvent(type, init) : new PointerEvent(type, init));
}

/** How many device pixels of the curves (layers composited) are painted in roughly `hex`. */
export function paintedCount(el: MetricsChart, hex: string): number {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const canvas = canvasOf(el);
  const data = composite(el).getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    const close =
      Math.abs(data[i] - want[0]) + Math.abs(data[i + 1] - want[1]) + Math.abs(data[i + 2] - want[2]) < 60;
    if (data[i + 3] > 150 && close) count++;
  }
  return count;
}

import { expect, fixture, html } from '@open-wc/testing';
import { THEME_COLORS } from '../../../src/components/internal/theme.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { readCanvasColors } from '../../../src/components/metrics-chart/paint.js';

MetricsChart.define();

describe('readCanvasColors', () => {
  it('reads the same colours as the styles of a light chart', async () => {
    const chart = await fixture<MetricsChart>(
      html`<trial-metrics-chart theme="light"></trial-metrics-chart>`,
    );
    const colors = readCanvasColors(chart);
    for (const name of ['bg', 'grid', 'border', 'fg', 'muted', 'accent', 'selection'] as const) {
      expect(colors[name], name).to.equal(THEME_COLORS.light[name]);
    }
  });

  it('falls back to the light theme on an element without the tokens', async () => {
    const plain = await fixture(html`<div></div>`);
    const chart = await fixture<MetricsChart>(
      html`<trial-metrics-chart theme="light"></trial-metrics-chart>`,
    );
    const fallback = readCanvasColors(plain);
    const styled = readCanvasColors(chart);
    for (const name of ['bg', 'grid', 'border', 'fg', 'muted', 'accent', 'selection'] as const) {
      expect(fallback[name], name).to.equal(styled[name]);
    }
  });
});

// A time-series chart on uPlot: sized to its box (and resized with it), coloured from the page's
// CSS variables so it follows the light or dark scheme.
import { useEffect, useRef } from './vendor-preact-hooks.mjs';
import uPlot from './vendor-uplot.mjs';
import { html } from './lib.js';

export const PALETTE = ['#2f6fed', '#e8590c', '#2b8a3e', '#ae3ec9', '#d6336c', '#0c8599', '#a0781a', '#5c7cfa'];

/** `x`: epoch ms; `series`: [{ label, values }]; `format`: a y value as text. */
export function Chart({ title, x, series, format = String, height = 190 }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim();
    const grid = css.getPropertyValue('--grid').trim();
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        cursor: { drag: { x: false, y: false } },
        legend: { show: series.length > 1 || undefined },
        scales: { x: { time: true } },
        axes: [axis, { ...axis, size: 64, values: (_u, ticks) => ticks.map(format) }],
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false }, value: (_u, v) => (v === null ? '–' : format(v)) }))],
      },
      [x.map((t) => t / 1000), ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series]);
  return html`<figure class="chart card"><figcaption>${title}</figcaption><div class="chart-box" ref=${box}></div></figure>`;
}

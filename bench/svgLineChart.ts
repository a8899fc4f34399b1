/** One line of a chart. */
export interface ChartSeries {
  name: string;
  points: readonly { x: number; y: number }[];
  /** Drawn dashed (e.g. p99 beside p50, or a fitted line). */
  dashed?: boolean;
  /** Index into the palette; defaults to the series' position. Lets a p99 line share its p50 line's colour. */
  colour?: number;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  /** Tick positions on x; defaults to every x value in the data. */
  xTicks?: readonly number[];
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/** "Nice" linear ticks (1, 2, 5 x 10^k steps) covering [min, max]. */
function linearTicks(min: number, max: number, target = 6): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => span / s <= target) ?? 10 * magnitude;
  const ticks: number[] = [];
  // From the last step at or below min to the first step at or above max.
  let v = Math.floor(min / step) * step;
  for (;;) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= max - step * 1e-9) break;
    v += step;
  }
  return ticks;
}

/** Ticks at 1, 2, 5 x 10^k within [min, max] for a log axis. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks;
}

/**
 * A small, dependency-free SVG line chart: axes, grid, ticks, one polyline with markers per
 * series, and a legend. Non-finite and (on log axes) non-positive points are skipped.
 */
export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  const legendWidth = 210;
  const margin = { top: 44, right: legendWidth + 20, bottom: 56, left: 72 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xLog = options.xScale === 'log';
  const yLog = options.yScale === 'log';
  const usable = (p: { x: number; y: number }) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!xLog || p.x > 0) && (!yLog || p.y > 0);
  const all = options.series.flatMap((s) => s.points.filter(usable));
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  let xMin = xs.length ? Math.min(...xs) : 0;
  let xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (xMin === xMax) {
    xMin = xLog ? xMin / 2 : xMin - 1;
    xMax = xLog ? xMax * 2 : xMax + 1;
  }
  if (yLog) {
    yMin = 10 ** Math.floor(Math.log10(yMin));
    yMax = 10 ** Math.ceil(Math.log10(yMax));
    if (yMin === yMax) yMax = yMin * 10;
  } else {
    yMin = Math.min(0, yMin);
    const ticks = linearTicks(yMin, yMax * 1.05);
    yMax = ticks[ticks.length - 1] ?? yMax;
  }
  const tx = (x: number) => {
    const f = xLog ? (Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin)) : (x - xMin) / (xMax - xMin);
    return margin.left + f * plotW;
  };
  const ty = (y: number) => {
    const f = yLog ? (Math.log(y) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin)) : (y - yMin) / (yMax - yMin);
    return margin.top + plotH - f * plotH;
  };
  const r = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2 - legendWidth / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`);
  const xTicks = (options.xTicks ?? [...new Set(xs)].sort((a, b) => a - b)).filter((v) => v >= xMin && v <= xMax);
  const yTicks = yLog ? logTicks(yMin, yMax) : linearTicks(yMin, yMax);
  for (const v of yTicks) {
    out.push(`<line x1="${margin.left}" y1="${r(ty(v))}" x2="${margin.left + plotW}" y2="${r(ty(v))}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${margin.left - 8}" y="${r(ty(v) + 4)}" text-anchor="end">${escapeXml(formatTick(v))}</text>`);
  }
  for (const v of xTicks) {
    out.push(`<line x1="${r(tx(v))}" y1="${margin.top}" x2="${r(tx(v))}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${r(tx(v))}" y="${margin.top + plotH + 18}" text-anchor="middle">${escapeXml(formatTick(v))}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text x="18" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${margin.top + plotH / 2})">${escapeXml(options.yLabel)}</text>`);
  options.series.forEach((series, i) => {
    const colour = PALETTE[(series.colour ?? i) % PALETTE.length]!;
    const points = series.points.filter(usable).sort((a, b) => a.x - b.x);
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    if (points.length > 1) {
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.map((p) => `${r(tx(p.x))},${r(ty(p.y))}`).join(' ')}"/>`);
    }
    for (const p of points) out.push(`<circle cx="${r(tx(p.x))}" cy="${r(ty(p.y))}" r="3.5" fill="${series.dashed ? '#ffffff' : colour}" stroke="${colour}" stroke-width="1.5"/>`);
    const ly = margin.top + 10 + i * 20;
    const lx = width - legendWidth;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${escapeXml(series.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

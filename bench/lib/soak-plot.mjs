/**
 * The soak's PNG: two charts over the run's time, the server's RSS and the start → result
 * latency (p50 and p99 per window), drawn as an SVG and photographed by the Chromium the UI
 * benchmark already drives (playwright-core), so that no plotting library is needed.
 * `node bench/lib/soak-plot.mjs RESULT.json [OUT.png]` plots a saved soak result again.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WIDTH_PX = 900;
const CHART_HEIGHT_PX = 260;
const MARGIN = { left: 70, right: 20, top: 34, bottom: 40 };

/** Writes `pngPath`; `samples` are the soak's windows: `{ endSec, rssMb, p50Ms, p99Ms }`. */
export async function plotSoak(samples, pngPath, { title }) {
  const html = page(title, [
    chart('Server RSS (MB)', samples, [{ key: 'rssMb', color: '#1f6feb', label: 'RSS' }]),
    chart('Start → result latency per 5 s window (ms)', samples, [
      { key: 'p50Ms', color: '#2da44e', label: 'p50' },
      { key: 'p99Ms', color: '#cf222e', label: 'p99' },
    ]),
  ]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: WIDTH_PX, height: 100 }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    await tab.setContent(html);
    await tab.screenshot({ path: pngPath, fullPage: true });
  } finally {
    await browser.close();
  }
}

export function soakTitle(params, sdk) {
  return `Endure soak: ${Math.round(params.rate * 100) / 100} workflows/s for ${params.minutes} min (sdk ${sdk})`;
}

function page(title, charts) {
  return `<!doctype html><html><body style="margin:0;background:#fff;font:13px sans-serif">
<h3 style="margin:10px 16px 0">${escapeHtml(title)}</h3>${charts.join('')}</body></html>`;
}

/** One line chart of `series` over `samples` (x: endSec), with axes, ticks and a legend. */
function chart(heading, samples, series) {
  const w = WIDTH_PX - MARGIN.left - MARGIN.right;
  const h = CHART_HEIGHT_PX - MARGIN.top - MARGIN.bottom;
  const xMax = Math.max(1, ...samples.map((s) => s.endSec));
  const values = samples.flatMap((s) => series.map(({ key }) => s[key])).filter((v) => Number.isFinite(v));
  const yMax = niceCeiling(Math.max(1, ...values));
  const x = (sec) => MARGIN.left + (sec / xMax) * w;
  const y = (v) => MARGIN.top + h - (v / yMax) * h;
  const parts = [`<text x="${MARGIN.left}" y="20" font-weight="bold">${escapeHtml(heading)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${formatTick(v)}</text>`);
  }
  const stepSec = xMax > 600 ? 120 : xMax > 120 ? 60 : 10;
  for (let sec = 0; sec <= xMax; sec += stepSec) {
    parts.push(`<line x1="${x(sec)}" x2="${x(sec)}" y1="${MARGIN.top + h}" y2="${MARGIN.top + h + 4}" stroke="#333"/>`);
    parts.push(`<text x="${x(sec)}" y="${MARGIN.top + h + 18}" text-anchor="middle">${stepSec < 60 ? `${sec} s` : `${sec / 60} min`}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`);
  series.forEach(({ key, color, label }, i) => {
    const points = samples.filter((s) => Number.isFinite(s[key])).map((s) => `${x(s.endSec).toFixed(1)},${y(s[key]).toFixed(1)}`);
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const lx = MARGIN.left + w - 110 + i * 55;
    parts.push(`<line x1="${lx}" x2="${lx + 16}" y1="20" y2="20" stroke="${color}" stroke-width="3"/><text x="${lx + 20}" y="24">${label}</text>`);
  });
  return `<svg width="${WIDTH_PX}" height="${CHART_HEIGHT_PX}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

/** 1, 2 or 5 times a power of ten, at least `v`: round numbers on the y axis. */
function niceCeiling(v) {
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * power).find((c) => c >= v);
}

function formatTick(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(v >= 10 ? 1 : 2);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [resultFile, out] = process.argv.slice(2);
  if (!resultFile) {
    console.error('usage: node bench/lib/soak-plot.mjs RESULT.json [OUT.png]');
    process.exit(2);
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  const run = result.perRun[0];
  const pngPath = out ?? resultFile.replace(/\.json$/, '.png');
  await plotSoak(run.samples, pngPath, { title: soakTitle(result.parameters, result.sdk) });
  console.log(pngPath);
}

/** Percentiles and run aggregation: the only arithmetic the benchmark reports rely on. */

/** Nearest-rank percentile (`p` in 0..100) of `values`; null when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** `{p50, p95, p99}` (or the percentiles asked for) rounded to 0.01. */
export function percentiles(values, ps = [50, 95, 99]) {
  return Object.fromEntries(ps.map((p) => [`p${p}`, round(percentile(values, p))]));
}

export function round(x, digits = 2) {
  if (x === null || x === undefined || !Number.isFinite(x)) return x ?? null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Flattens nested numeric fields to dotted keys: {a: {b: 1}} → {'a.b': 1}. Arrays are skipped. */
export function flattenNumbers(obj, prefix = '', out = {}) {
  for (const [key, value] of Object.entries(obj ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number') out[name] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) flattenNumbers(value, name, out);
  }
  return out;
}

/** Rebuilds the nested shape of `flat` with each leaf mapped by `pick`. */
export function unflatten(flat, pick) {
  const out = {};
  for (const [name, value] of Object.entries(flat)) {
    const parts = name.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = node[part] ??= {};
    node[parts.at(-1)] = pick(value);
  }
  return out;
}

/**
 * Median, min and max over runs of every numeric metric. `medians` has the shape of one
 * run's metrics with the median in each leaf; `spread` maps each dotted name to
 * `{median, min, max}`.
 */
export function aggregateRuns(runs) {
  const byName = {};
  for (const run of runs) {
    for (const [name, value] of Object.entries(flattenNumbers(run))) (byName[name] ??= []).push(value);
  }
  const spread = {};
  for (const [name, values] of Object.entries(byName)) {
    spread[name] = { median: round(median(values), 3), min: round(Math.min(...values), 3), max: round(Math.max(...values), 3) };
  }
  return { medians: unflatten(spread, (s) => s.median), spread };
}

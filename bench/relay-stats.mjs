// Percentiles and the created→delivered summary of one end-to-end run.

/** The `p`th percentile (0–100) of numbers, nearest rank; NaN for none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Joins the sender's creation times with the receiver's arrivals. Only the first arrival of
 * each (event, destination) counts as its delivery; later ones are duplicates (at least once).
 * Arrivals at `ignorePaths` (the hanging destination) are left out. Deliveries of the
 * `expected` that never arrived count as infinitely late, so an incomplete run cannot show a
 * flattering p99.
 */
export function summarizeDeliveries({ created, arrivals, firstSend, expected, ignorePaths = [] }) {
  const first = new Map();
  let duplicates = 0;
  let unknown = 0;
  for (const [id, path, at] of arrivals) {
    if (ignorePaths.includes(path)) continue;
    if (!created.has(id)) {
      unknown++;
      continue;
    }
    const key = `${path} ${id}`;
    if (first.has(key)) duplicates++;
    else first.set(key, at);
  }
  const latencies = [];
  let lastArrival = firstSend;
  for (const [key, at] of first) {
    latencies.push(at - created.get(key.slice(key.indexOf(' ') + 1)));
    if (at > lastArrival) lastArrival = at;
  }
  for (let missing = expected - first.size; missing > 0; missing--) latencies.push(Number.POSITIVE_INFINITY);
  const seconds = (lastArrival - firstSend) / 1000;
  return {
    delivered: first.size,
    duplicates,
    unknown,
    seconds,
    perSecond: seconds > 0 ? first.size / seconds : Number.NaN,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY) : Number.NaN,
  };
}

/**
 * The median of repeated runs by `value`, with every run's value attached (`repeats`). For an
 * even count it takes the worse of the two middle runs (`better`: which way is better).
 */
export function medianRun(runs, value, better) {
  const sorted = [...runs].sort((a, b) => value(a) - value(b));
  const middle = (sorted.length - 1) / 2;
  const index = better === 'higher' ? Math.floor(middle) : Math.ceil(middle);
  return { ...sorted[index], repeats: runs.map(value) };
}

import { expect } from 'vitest';

/** Fetches a relay's `/metrics` and checks it answered as Prometheus text. */
export async function scrapeMetrics(relayUrl: string): Promise<string> {
  const response = await fetch(`${relayUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of `name{labels}` in Prometheus text, or undefined when the series is absent. */
export function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * The Prometheus text for a registry. prom-client renders all metrics or none: one collector
 * that throws would turn the whole scrape into an error. Then render metric by metric and leave
 * out only the ones that fail, so operators keep every number that is still known.
 */
export async function renderMetrics(registry: Registry, logger: Logger): Promise<string> {
  try {
    return await registry.metrics();
  } catch (error) {
    logger.warn({ err: error }, 'a metrics collector failed; rendering the others');
  }
  const parts: string[] = [];
  for (const metric of registry.getMetricsAsArray()) {
    try {
      parts.push(await registry.getSingleMetricAsString(metric.name));
    } catch (error) {
      logger.warn({ err: error, metric: metric.name }, 'metric left out of the scrape');
    }
  }
  return `${parts.join('\n\n')}\n`;
}

import type { Palette } from '../output/color.js';
import type { DeliveryRecord } from './record.js';

/** One human line per delivery: time, type, resource ids, result, duplicate marker, why rejected. */
export function formatDeliveryLine(record: DeliveryRecord, paint: Palette): string {
  const time = record.time.slice(11, 23);
  const parts = [paint.dim(time)];
  if (record.type) parts.push(paint.bold(record.type));
  const resources = Object.entries(record.resources).map(([field, value]) =>
    field === 'id' ? value : `${field}=${value}`,
  );
  if (resources.length > 0) parts.push(resources.join(' '));
  if (record.verified) parts.push(paint.green('✓ verified'));
  else
    parts.push(
      paint.red(
        `✗ rejected: ${record.error?.message ?? 'unknown'}${record.error?.reason ? ` (${record.error.reason})` : ''}`,
      ),
    );
  if (record.id) parts.push(paint.dim(record.id));
  if (record.duplicate) parts.push(paint.yellow('[duplicate]'));
  if (record.forward) {
    parts.push(
      record.forward.status === null
        ? paint.red(`→ forward failed: ${record.forward.error}`)
        : `→ ${record.forward.status} in ${Math.round(record.forward.ms)} ms`,
    );
  } else {
    parts.push(paint.dim(`← ${record.status}`));
  }
  return parts.join('  ');
}

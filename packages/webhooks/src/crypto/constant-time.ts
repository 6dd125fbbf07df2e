/**
 * Compares two byte strings without an early exit, so the time taken does not reveal where
 * they differ. Used for signatures (32 or 64 bytes); their lengths are public.
 * Faster than node:crypto's timingSafeEqual at these sizes, whose argument checks dominate.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** {@link constantTimeEqual} for two strings, e.g. base64 signatures (their lengths are public). */
export function constantTimeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

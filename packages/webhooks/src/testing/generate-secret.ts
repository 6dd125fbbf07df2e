import { base64Encode } from '../encoding/base64.js';
import { randomBytes } from './ids.js';

/** A new random 32-byte HMAC signing secret, `whsec_…`, as the platform issues them. */
export function generateSecret(): string {
  return `whsec_${base64Encode(randomBytes(32))}`;
}

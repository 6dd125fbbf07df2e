import { ALLOW_NETWORKS_ENV } from './allow-networks.js';
import type { Embedding } from './classify-address.js';
import type { RangeName } from './special-ranges.js';

/** What a refusal is about; every field is safe to log and to store with the attempt. */
export interface AddressRefusal {
  /** The host from the destination URL (an address when the URL held one). */
  hostname: string;
  /** The address that was refused. */
  address: string;
  range: RangeName;
  /** The refused network, e.g. `10.0.0.0/8`. */
  network: string;
  description: string;
  via?: Embedding;
}

/**
 * Thrown (through undici, as the request's error) when a destination resolves to an address the
 * SSRF guard refuses. The dispatcher records it as a failed attempt with `errorClass`.
 */
export class DestinationAddressRefusedError extends Error {
  override readonly name = 'DestinationAddressRefusedError';
  /** Stable code; undici passes connector errors through unchanged, so this survives to the caller. */
  readonly code = 'HOOKLINE_ADDRESS_REFUSED';
  /** The attempt's `error_class` in the delivery log. */
  readonly errorClass = 'address_refused';
  readonly hostname: string;
  readonly address: string;
  readonly range: RangeName;
  readonly network: string;

  constructor(refusal: AddressRefusal) {
    const literal = refusal.hostname === refusal.address;
    const target = literal ? refusal.address : `${refusal.hostname}: it resolves to ${refusal.address}`;
    const allowHint = literal ? `"${refusal.network}"` : `"${refusal.network}" or "${refusal.hostname}"`;
    super(
      `Refused to connect to ${target}, which is in ${refusal.network}: ${refusal.description}. ` +
        'The relay does not deliver to loopback, private, link-local, metadata or other internal addresses ' +
        `unless allowed; if this destination is intended, add ${allowHint} to ${ALLOW_NETWORKS_ENV}.`,
    );
    this.hostname = refusal.hostname;
    this.address = refusal.address;
    this.range = refusal.range;
    this.network = refusal.network;
  }
}

// The SSRF guard (issue 6): which addresses a destination may not reach, the allowlist that
// exempts some, and an undici Agent that checks the DNS answer and connects to what it checked.

export { type AddressRefusal, DestinationAddressRefusedError } from './address-refused-error.js';
export {
  ALLOW_NETWORKS_ENV,
  type AllowList,
  AllowNetworksError,
  allowNetworksFromEnv,
  EMPTY_ALLOW_LIST,
  isAddressAllowed,
  isHostnameAllowed,
  parseAllowNetworks,
} from './allow-networks.js';
export { type CheckDestinationOptions, checkDestination } from './check-destination.js';
export { type Cidr, CidrSyntaxError, cidrContains, formatCidr, parseCidr } from './cidr.js';
export { type AddressClassification, classifyAddress, type Embedding, embeddedIpv4Of } from './classify-address.js';
export { createGuardedAgent, type GuardedAgentOptions } from './guarded-agent.js';
export {
  type Connector,
  type ConnectorOptions,
  createGuardedConnector,
  type GuardedConnectorOptions,
} from './guarded-connector.js';
export { formatIp, type IpAddress, parseIp } from './ip-address.js';
export { type ResolvedAddress, type Resolver, systemResolver } from './resolver.js';
export { type RangeName, SPECIAL_RANGES, type SpecialRange } from './special-ranges.js';

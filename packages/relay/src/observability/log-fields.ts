// One name per id in every log line, so a single filter (`event_id = "whe_…"`) follows an event
// from ingress through each delivery and attempt. The dispatcher, replay and retention code
// use the same names.
//
//   event_id        the envelope's id (`whe_…`): what the platform and every receiver see as webhook-id
//   event_row_id    the relay's stored event (`evt_…`), when it matters
//   delivery_id     `dlv_…`
//   destination_id  `dst_…`
//   source          the ingress source name
//   replay_id       a replay job

/** Longest id copied from a request into a log line; anything longer is not one of ours. */
const MAX_ID_LENGTH = 128;

/** An id taken from untrusted input (a path, a `webhook-id` header), bounded before it is logged. */
export function loggableId(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  if (id === undefined || id === '') return undefined;
  return id.length > MAX_ID_LENGTH ? `${id.slice(0, MAX_ID_LENGTH)}…` : id;
}

// Path prefixes of routes whose `{id}` or `{name}` names a resource with a log field.
const ROUTE_FIELDS: readonly [prefix: string, field: string][] = [
  ['/v1/deliveries/', 'delivery_id'],
  ['/v1/destinations/', 'destination_id'],
  ['/v1/replays/', 'replay_id'],
  ['/v1/sources/', 'source'],
  ['/ingest/', 'source'],
];

/** The log fields a matched route's path parameters name (e.g. `delivery_id` for `/v1/deliveries/{id}`). */
export function routeLogFields(routePath: string, params: Record<string, string>): Record<string, string> {
  const value = loggableId(params.id ?? params.name ?? params.source);
  if (value === undefined) return {};
  if (routePath.startsWith('/v1/events/')) {
    // GET /v1/events/{id} takes either id; keep the names' meaning exact.
    return value.startsWith('evt_') ? { event_row_id: value } : { event_id: value };
  }
  const field = ROUTE_FIELDS.find(([prefix]) => routePath.startsWith(prefix))?.[1];
  return field ? { [field]: value } : {};
}

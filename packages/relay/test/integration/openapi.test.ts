// /openapi.json must describe what the relay serves: every documented operation is routed,
// nothing undocumented is, and real responses validate against the documented schemas.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/relay-harness.js';

const [sqlite] = await databaseVariants('openapi');

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

describe('OpenAPI document', () => {
  let h: Harness;
  let doc: OpenApi;
  let ajv: Ajv2020;

  beforeEach(async () => {
    if (!sqlite) throw new Error('no database');
    h = await startHarness(sqlite);
    doc = (await (await fetch(`${h.relay.url}/openapi.json`)).json()) as OpenApi;
    ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'relay', components: doc.components });
  });
  afterEach(() => h.stop());
  afterAll(() => sqlite?.cleanup());

  /** Calls the API and checks the response against the documented schema for its status. */
  async function call(method: string, path: string, body?: unknown) {
    const url = new URL(path, h.relay.url);
    const template = Object.keys(doc.paths).find((p) =>
      new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`).test(url.pathname),
    );
    expect(template, `${method} ${url.pathname} is documented`).toBeDefined();
    const operation = doc.paths[template as string]?.[method.toLowerCase()];
    expect(operation, `${method} ${template} is documented`).toBeDefined();
    const response = await h.api(method, path, body);
    const documented = operation?.responses[String(response.status)];
    expect(documented, `${method} ${template} documents status ${response.status}`).toBeDefined();
    const schema = documented?.content?.['application/json']?.schema;
    if (schema && response.body !== undefined) {
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"relay#/components'));
      const validate = ajv.compile(rewritten);
      expect(
        validate(response.body),
        `${method} ${template} ${response.status}: ${ajv.errorsText(validate.errors)}`,
      ).toBe(true);
    }
    return response;
  }

  it('is OpenAPI 3.1 and every documented operation is served (not 404/405)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => [m.toUpperCase(), path] as const),
    );
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const [method, path] of operations) {
      const concrete = path.replace(/\{\w+\}/g, 'x');
      const response = await fetch(`${h.relay.url}${concrete}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const body = response.headers.get('content-type')?.includes('json')
        ? ((await response.json()) as { error?: { code?: string } })
        : {};
      // A 404 is fine for a missing resource, but never "no route".
      expect(response.status, `${method} ${path}`).not.toBe(405);
      expect(body.error?.code, `${method} ${path}`).not.toBe('no_route');
    }
    const undocumented = await fetch(`${h.relay.url}/v1/undocumented`);
    expect(await undocumented.json()).toMatchObject({ error: { code: 'no_route' } });
  });

  it('real responses match the documented schemas', async () => {
    const key = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    await call('POST', '/v1/sources', { name: 'platform', keys: [key] });
    await call('GET', '/v1/sources');
    await call('GET', '/v1/sources/platform');
    await call('PATCH', '/v1/sources/platform', { description: 'd' });
    const dest = await call('POST', '/v1/destinations', { url: 'http://127.0.0.1:9/x', headers: { 'x-a': 'b' } });
    await call('GET', '/v1/destinations');
    await call('GET', `/v1/destinations/${dest.body.id}`);
    await call('PATCH', `/v1/destinations/${dest.body.id}`, { enabled: false });
    await call('PATCH', `/v1/destinations/${dest.body.id}`, { enabled: true });
    await call('POST', `/v1/destinations/${dest.body.id}/rotate-secret`, {});
    await call('POST', '/v1/destinations', { url: 'nope' });
    const sent = await h.ingest('platform', key, 'session.status_idled');
    const published = await call('POST', '/v1/events', {
      type: 'vault.created',
      data: { id: 'vlt_1', organization_id: 'o', workspace_id: 'w' },
    });
    await call('GET', '/v1/events');
    await call('GET', `/v1/events/${sent.id}`);
    await call('GET', `/v1/events/${published.body.id}`);
    await h.relay.dispatcher.drain();
    const deliveries = await call('GET', '/v1/deliveries');
    const id = deliveries.body.data[0].id;
    await call('GET', `/v1/deliveries/${id}`);
    await call('GET', `/v1/deliveries/${id}/attempts`);
    await call('POST', `/v1/deliveries/${id}/retry`);
    await call('GET', '/v1/deliveries/dlv_none');
    await call('DELETE', `/v1/destinations/${dest.body.id}`);
    await call('DELETE', '/v1/sources/platform');
    await call('GET', '/healthz');
    await call('GET', '/readyz');
  });
});

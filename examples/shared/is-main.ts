import { pathToFileURL } from 'node:url';

/** Whether this module was started directly (`npx tsx examples/express/server.ts`), not imported by a test. */
export function isMain(meta: ImportMeta): boolean {
  return process.argv[1] !== undefined && meta.url === pathToFileURL(process.argv[1]).href;
}

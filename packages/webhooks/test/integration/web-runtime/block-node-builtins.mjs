// Module resolve hook: any import of a Node built-in from the package's dist/ fails, as it
// would on Workers or in a browser. (Registered by preload.mjs.)
import { builtinModules } from 'node:module';

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export async function resolve(specifier, context, nextResolve) {
  if (builtins.has(specifier) && context.parentURL?.includes('/packages/webhooks/dist/')) {
    throw new Error(`web runtime: ${context.parentURL} imports the Node built-in ${specifier}`);
  }
  return nextResolve(specifier, context);
}

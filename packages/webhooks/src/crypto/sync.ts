import { createNodeCrypto, loadNodeCrypto } from './node.js';
import { portableCrypto } from './portable.js';
import type { SyncCrypto } from './types.js';

const nodeCrypto = loadNodeCrypto();

/** The synchronous crypto this runtime offers: node:crypto when present, portable code otherwise. */
export const syncCrypto: SyncCrypto = nodeCrypto ? createNodeCrypto(nodeCrypto) : portableCrypto;

import { MemoryDedupeStore, type SyncDedupeStore, Webhooks } from '@hookline/webhooks';

// One process, high volume: keep more ids than the default 10 000 so none is forgotten before
// its day is up. An in-process store answers synchronously (SyncDedupeStore), so the adapters
// handle a delivery whose handlers are synchronous without a single promise hop.
const dedupe: SyncDedupeStore = new MemoryDedupeStore({ maxEntries: 200_000, ttlSeconds: 86_400 });
export const webhooks = new Webhooks({ dedupe });

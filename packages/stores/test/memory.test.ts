import { MemoryDedupeStore } from '@hookline/webhooks';
import { dedupeContract } from './contract/dedupe-contract.js';

// The core's default store honours the same contract as the shared ones.
dedupeContract('memory', (timing) => new MemoryDedupeStore(timing));

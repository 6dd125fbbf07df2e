import { register } from 'node:module';

register('./block-node-builtins.mjs', import.meta.url);

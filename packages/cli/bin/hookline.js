#!/usr/bin/env node
// The `hookline` executable: a thin shim over the compiled CLI in ../dist.
import { main } from '../dist/main.js';

// `hookline events | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));

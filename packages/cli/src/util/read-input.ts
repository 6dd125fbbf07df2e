import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UsageError } from '../usage-error.js';

/** Reads a file, or stdin for `-`, as raw bytes: verification needs the exact bytes. */
export async function readInput(path: string | undefined, stdin: Readable, command: string): Promise<Buffer> {
  if (path === undefined || path === '-') {
    if (path === undefined && (stdin as { isTTY?: boolean }).isTTY) {
      throw new UsageError('no body: give a BODY_FILE, or pipe the body in and use -', command);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`cannot read ${path}: ${reason}`, command);
  }
}

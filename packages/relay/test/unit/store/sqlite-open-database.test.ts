// What a user sees when better-sqlite3's native addon is missing: the relay's default database is
// SQLite, so this is the first error of anyone whose npm skipped the addon's install script.
// The missing addon is real: a copy of better-sqlite3 without its build directory, loaded through
// its own `bindings` dependency, fails exactly as an unbuilt install does.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainAddonError, openDatabase } from '../../../src/store/sqlite/open-database.js';

const require = createRequire(import.meta.url);

/** better-sqlite3 as npm leaves it when its install script did not run: no `build/`. */
function unbuiltBetterSqlite(): new (path: string) => unknown {
  const root = mkdtempSync(join(tmpdir(), 'hookline-unbuilt-'));
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    const from = dirname(require.resolve(`${name}/package.json`));
    const to = join(root, 'node_modules', name);
    mkdirSync(to, { recursive: true });
    cpSync(from, to, { recursive: true, filter: (path) => !path.startsWith(join(from, 'build')) });
  }
  return createRequire(join(root, 'index.js'))('better-sqlite3');
}

describe('opening the SQLite database', () => {
  it('turns the missing-addon error into what happened and the command that fixes it', () => {
    const Unbuilt = unbuiltBetterSqlite();
    let original: unknown;
    try {
      new Unbuilt(':memory:');
    } catch (error) {
      original = error;
    }
    expect((original as Error).message).toContain('Could not locate the bindings file');
    const explained = explainAddonError(original);
    expect(explained?.message).toContain("better-sqlite3's native addon is not built");
    expect(explained?.message).toContain('npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3');
    expect(explained?.message).toContain('HOOKLINE_DATABASE_URL');
    expect(explained?.cause).toBe(original);
  });

  it('says to rebuild when the addon was built for another Node.js', () => {
    // The message Node gives for an addon of another ABI (ERR_DLOPEN_FAILED).
    const abi = new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 127. This version of Node.js requires\nNODE_MODULE_VERSION 115.",
    );
    const explained = explainAddonError(abi);
    expect(explained?.message).toContain(process.version);
    expect(explained?.message).toContain('npm rebuild better-sqlite3');
  });

  it('passes every other error through unchanged', () => {
    const directory = mkdtempSync(join(tmpdir(), 'hookline-open-'));
    let thrown: unknown;
    try {
      openDatabase(directory);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { code?: string }).code).toBe('SQLITE_CANTOPEN');
    expect(explainAddonError(thrown)).toBeUndefined();
  });

  it('opens a real database file when the addon is there', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hookline-open-')), 'relay.db'));
    expect(db.prepare('select 1 as one').get()).toEqual({ one: 1 });
    db.close();
  });
});

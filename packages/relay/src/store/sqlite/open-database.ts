import Database from 'better-sqlite3';

/**
 * better-sqlite3 loads its native addon on the first `new Database()`. When the addon was never
 * built (npm ≥ 12 skips install scripts a project has not approved; `--ignore-scripts`) or was
 * built for another Node.js, its own error names a list of paths or an ABI number. The relay's
 * default database is SQLite, so that error would be the first thing a new user sees: say what
 * happened and the command that fixes it.
 */
export function openDatabase(path: string): Database.Database {
  try {
    return new Database(path);
  } catch (error) {
    throw explainAddonError(error) ?? error;
  }
}

/** A clearer error for a missing or mismatched better-sqlite3 addon; `undefined` for any other. */
export function explainAddonError(error: unknown): Error | undefined {
  const message = error instanceof Error ? error.message : '';
  if (message.includes('Could not locate the bindings file')) {
    return new Error(
      "better-sqlite3's native addon is not built, so the relay cannot open its SQLite database. " +
        'Its install script did not run: npm 12 and later skip the install scripts of packages ' +
        'the project has not approved, as does --ignore-scripts. Approve and build it: ' +
        '`npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3` ' +
        '(or run on PostgreSQL: HOOKLINE_DATABASE_URL=postgres://…).',
      { cause: error },
    );
  }
  if (message.includes('NODE_MODULE_VERSION')) {
    return new Error(
      `better-sqlite3's native addon was built for another Node.js version than this one (${process.version}). ` +
        'Rebuild it for this one: `npm rebuild better-sqlite3`.',
      { cause: error },
    );
  }
  return undefined;
}

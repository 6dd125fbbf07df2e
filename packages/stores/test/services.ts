// Which real services the suites can use. Unset URL: the suite is skipped with a notice. A URL
// that is set but unreachable fails under CI (a broken CI service must not pass silently) and
// is skipped with a notice elsewhere.

export type Service = 'HOOKLINE_TEST_POSTGRES_URL' | 'HOOKLINE_TEST_REDIS_URL';

/** The service's URL if the suite should run, `undefined` if it should be skipped. */
export async function serviceUrl(
  variable: Service,
  probe: (url: string) => Promise<void>,
): Promise<string | undefined> {
  const url = process.env[variable];
  if (!url) {
    console.warn(`[hookline] ${variable} is not set: skipping this suite (e.g. ${example(variable)}).`);
    return undefined;
  }
  try {
    await probe(url);
    return url;
  } catch (error) {
    const reason = `${variable}=${url} is unreachable: ${(error as Error).message}`;
    if (process.env.CI) throw new Error(`[hookline] ${reason} (failing because CI is set)`);
    console.warn(`[hookline] ${reason}: skipping this suite.`);
    return undefined;
  }
}

function example(variable: Service): string {
  return variable === 'HOOKLINE_TEST_POSTGRES_URL'
    ? 'HOOKLINE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test'
    : 'HOOKLINE_TEST_REDIS_URL=redis://127.0.0.1:6379';
}

/** A name no other test run uses, for tables and key prefixes. */
export function uniqueName(kind: string): string {
  return `hookline_test_${kind}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

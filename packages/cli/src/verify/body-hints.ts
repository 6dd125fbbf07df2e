import { verify } from '@hookline/webhooks';

/** A variant of the body that a common mistake would have produced from the signed bytes. */
interface Variant {
  body: string;
  finding: string;
}

function variants(text: string): Variant[] {
  const found: Variant[] = [];
  if (text.endsWith('\n')) {
    found.push({
      body: text.replace(/\r?\n$/, ''),
      finding: 'the body ends with a newline that was not signed (an editor or `echo` added it)',
    });
  }
  if (text.startsWith('\uFEFF')) {
    found.push({ body: text.slice(1), finding: 'the body starts with a byte-order mark that was not signed' });
  }
  if (text.includes('\r\n')) {
    found.push({ body: text.replaceAll('\r\n', '\n'), finding: 'line endings were converted to CRLF after signing' });
  }
  try {
    const compact = JSON.stringify(JSON.parse(text));
    if (compact !== text.trim()) {
      found.push({
        body: compact,
        finding: 'the body was re-serialised after signing (its compact JSON form verifies)',
      });
    }
  } catch {
    // not JSON: nothing to re-serialise
  }
  return found;
}

/** The change that, undone, makes the signature match: proof of what happened to the body. */
export function provenBodyChange(body: Buffer, headers: Record<string, string>, keys: string[]): string | undefined {
  for (const variant of variants(body.toString('utf8'))) {
    try {
      verify({ body: variant.body, headers, key: keys, tolerance: false });
      return `${variant.finding}; without that change the signature matches`;
    } catch {
      // this variant is not the explanation
    }
  }
  return undefined;
}

/** Observations about a body whose signature did not match (when no change could be proven). */
export function bodyHints(body: Buffer): string[] {
  const text = body.toString('utf8');
  const hints: string[] = [];
  if (body.length === 0) hints.push('the body is empty: was it read before verification (a JSON body parser)?');
  if (/^\s*[{[]/.test(text) && /\n[ \t]+["{[\]}]/.test(text)) {
    hints.push(
      'the body is pretty-printed, but the platform sends compact JSON: these are probably not the bytes that were ' +
        'signed (key order and spacing of a re-serialised body cannot be recovered; capture the raw bytes)',
    );
  } else if (text.endsWith('\n')) {
    hints.push("the body ends with a newline; the platform's bodies do not");
  }
  if (text === '[object Object]') {
    hints.push('the body is "[object Object]": an already-parsed object was turned back into a string');
  }
  return hints;
}

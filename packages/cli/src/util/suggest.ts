function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * The closest candidates to a mistyped name: by edit distance, plus names that contain it
 * (`idled` → `session.status_idled`), since users often remember only part of a type.
 */
export function suggest(input: string, candidates: readonly string[], limit = 3): string[] {
  const needle = input.toLowerCase();
  const scored = candidates.map((candidate) => {
    const lower = candidate.toLowerCase();
    const tail = lower.slice(lower.indexOf('.') + 1);
    const score = Math.min(distance(needle, lower), distance(needle, tail) + 1);
    return { candidate, score: lower.includes(needle) && needle.length >= 3 ? Math.min(score, 2) : score };
  });
  const threshold = Math.max(2, Math.floor(needle.length / 3));
  return scored
    .filter(({ score }) => score <= threshold)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

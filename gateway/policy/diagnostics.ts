/** A positioned problem in a policy file. Lines and columns are 1-based, as editors and compilers print them. */
export interface PolicyDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  message: string;
  /** Stable code for tooling (e.g. the language server's diagnostic code). */
  code: string;
}

export function formatDiagnostic(d: PolicyDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

export function hasErrors(diags: readonly PolicyDiagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Thrown by APIs that need a valid policy (the gateway at start, `policy explain`). */
export class PolicyError extends Error {
  readonly code = 'CW_POLICY_INVALID';
  constructor(readonly diagnostics: PolicyDiagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n') || 'invalid policy');
    this.name = 'PolicyError';
  }
}

/** Damerau-free Levenshtein distance, small strings only (key names). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function suggestion(word: string, candidates: Iterable<string>): string {
  const s = didYouMean(word, candidates);
  return s ? ` (did you mean "${s}"?)` : '';
}

/**
 * What validation recorded per document version: each published diagnostic with the finding behind it
 * (and the findings not published, for hovers). Code actions and hovers read this record instead of
 * analysing again, and only for the version it was made from, as vscode-eslint does.
 */
import type { Diagnostic, Position } from 'vscode-languageserver';
import type { Finding } from '../scan/types.js';
import { containsPosition, diagnosticKey, toLspRange } from './convert.js';

export interface RecordEntry {
  finding: Finding;
  diagnostic: Diagnostic | null;
}

export interface DocumentRecord {
  uri: string;
  /** The document version analysed; null for a file analysed from disk. */
  version: number | null;
  entries: RecordEntry[];
}

export class FixRecords {
  private readonly byUri = new Map<string, DocumentRecord>();

  set(record: DocumentRecord): void {
    this.byUri.set(record.uri, record);
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }

  clear(): void {
    this.byUri.clear();
  }

  get(uri: string, version: number | null): DocumentRecord | undefined {
    const r = this.byUri.get(uri);
    return r && (version === null || r.version === null || r.version === version) ? r : undefined;
  }

  /** The entries behind the diagnostics a client sent back with a code action request. */
  forDiagnostics(uri: string, version: number | null, diagnostics: readonly Diagnostic[]): RecordEntry[] {
    const r = this.get(uri, version);
    if (!r) return [];
    const wanted = new Set(diagnostics.map(diagnosticKey));
    return r.entries.filter((e) => e.diagnostic && wanted.has(diagnosticKey(e.diagnostic)));
  }

  /** The innermost finding under a position (published or not). */
  at(uri: string, version: number | null, p: Position): RecordEntry | undefined {
    const r = this.get(uri, version);
    let best: RecordEntry | undefined;
    let bestSize = Infinity;
    for (const e of r?.entries ?? []) {
      const range = toLspRange(e.finding);
      if (!containsPosition(range, p)) continue;
      const size = (range.end.line - range.start.line) * 1e6 + (range.end.character - range.start.character);
      if (size < bestSize) {
        best = e;
        bestSize = size;
      }
    }
    return best;
  }
}

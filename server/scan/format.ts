/** Output formats of `chainwarden scan`: DESIGN.md's JSON, SARIF 2.1.0 and human text. */
import { pathToFileURL } from 'node:url';
import { RULES, ruleHelpUri } from './rules.js';
import { SCAN_STATUSES, type Finding, type ScanSeverity } from './types.js';

/** The JSON document: DESIGN.md's fields in its order, then `code` and `catalogId`. */
export function toScanJson(findings: readonly Finding[]): { version: 1; findings: Array<Record<string, unknown>> } {
  return {
    version: 1,
    findings: findings.map((f) => ({
      file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
      kind: f.kind, provider: f.provider, target: f.target, chain: f.chain, connection: f.connection,
      status: f.status, rule: f.rule, severity: f.severity, message: f.message,
      code: f.code, catalogId: f.catalogId,
    })),
  };
}

const SARIF_LEVEL: Record<ScanSeverity, 'error' | 'warning' | 'note' | 'none'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note', off: 'none' };

export function toSarif(findings: readonly Finding[], opts: { root: string; version: string }): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.code, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'chainwarden',
            informationUri: 'https://github.com/chainwarden/chainwarden',
            version: opts.version,
            rules: RULES.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description} ${r.help}` },
              helpUri: ruleHelpUri(r.code),
              help: { text: r.help, markdown: `${r.help}\n\nSee [${r.code}](${ruleHelpUri(r.code)}).` },
              properties: { tags: ['security', 'chainwarden'], status: r.status },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(opts.root.endsWith('/') ? opts.root : opts.root + '/').href } },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code) ?? 0,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file), uriBaseId: 'SRCROOT' },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          properties: { kind: f.kind, provider: f.provider, target: f.target, chain: f.chain, connection: f.connection, status: f.status, rule: f.rule, catalogId: f.catalogId },
        })),
      },
    ],
  };
}

/** `file:line:col: severity: message [code]` for every finding above `off`, then a one-line inventory. */
export function formatText(findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    if (f.severity === 'off') continue;
    lines.push(`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.code}]`);
  }
  const counts = SCAN_STATUSES.map((s) => [s, findings.filter((f) => f.status === s && f.kind !== 'secret').length] as const).filter(([, n]) => n > 0);
  const secrets = findings.filter((f) => f.kind === 'secret').length;
  const uses = findings.length - secrets;
  const parts = counts.map(([s, n]) => `${n} ${s}`);
  if (secrets) parts.push(`${secrets} hard-coded secret${secrets > 1 ? 's' : ''}`);
  lines.push(`${uses} resource use${uses === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`);
  return lines.join('\n');
}

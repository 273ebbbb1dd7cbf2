/**
 * The scanner's public API, for the CLI (`chainwarden scan`) and the language server.
 *
 *   const ws = await new Workspace({ root, policyFile }).ready();   // or { root, policy } with a loaded policy
 *                                                      // ready(): loads the Python parser (WASM) once per process; until then .py/.ipynb files land in ws.errors
 *   ws.analyzeFile('src/model.ts', editorText);        // → Finding[] for one file (.ts/.js…, .py, .ipynb; the editor's text if given)
 *   ws.setText(path, null);                            // the editor closed the file: read disk again
 *   ws.fileChanged(path);                              // a file changed on disk (.env files too)
 *   ws.dependentsOf(path);                             // files to re-analyse after `path` changed (its importers)
 *   ws.setPolicy(policy);                              // hot reload
 *   ws.scanAll(['src']);                               // every finding under the paths (default: the root)
 *
 * Findings are positioned 1-based at the start of the constructing call (end exclusive); `code` is the
 * diagnostic rule (RULES, docs at ruleHelpUri(code)); `fix` carries the spans and values code actions need.
 * `toScanJson` gives DESIGN.md's `scan --format json` document, `toSarif` a SARIF 2.1.0 log.
 */
export type { Finding, FixData, Range, ResourceKind, ScanSeverity, ScanStatus } from './types.js';
export { RESOURCE_KINDS, SCAN_STATUSES } from './types.js';
export { Workspace, isSourceFile, type WorkspaceOptions } from './workspace.js';
export { PythonNotReadyError } from '../languages/python/parser.js';
export { RULES, ruleForStatus, ruleHelpUri, type DiagnosticRule } from './rules.js';
export { CATALOG } from '../catalog/index.js';
export type { CatalogEntry } from '../catalog/types.js';
export { toScanJson, toSarif, formatText } from './format.js';

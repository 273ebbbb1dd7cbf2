/** The policy module: one implementation shared by the gateway, the CLI and the language server. */
export * from './diagnostics.js';
export * from './types.js';
export * from './operations.js';
export * from './engine.js';
export * from './explain.js';
export { parsePolicy, loadPolicyFile, requirePolicy, findPolicyFile, POLICY_FILE_NAME, type LoadOptions, type LoadResult } from './load.js';
export { PolicyWatcher } from './watch.js';
export { parseDuration, formatDuration } from './duration.js';
export { compileGlob, type Glob } from './glob.js';
export { resolveSecret, ResolvedSecret, parseSecretTemplate, type SecretTemplate } from './secrets.js';
export { policyJsonSchema } from './json-schema.js';

/** Opens the store a policy names (`gateway.store`): `sqlite:PATH[?sync=full]`, relative to the policy file. */
import { dirname, isAbsolute, resolve } from 'node:path';
import { SqliteStore } from './sqlite.js';
import type { StateStore } from './types.js';

export function storePath(spec: string, policyFile: string): { path: string; sync: 'normal' | 'full' } {
  const m = /^sqlite:([^?]+)(?:\?sync=(normal|full))?$/.exec(spec);
  if (!m) throw Object.assign(new Error(`gateway.store "${spec}" is not supported yet: use sqlite:PATH`), { code: 'CW_ERR_STORE' });
  const path = isAbsolute(m[1]!) ? m[1]! : resolve(dirname(policyFile), m[1]!);
  return { path, sync: (m[2] as 'normal' | 'full' | undefined) ?? 'normal' };
}

export function openStore(spec: string, policyFile: string, options: { readonly?: boolean } = {}): StateStore {
  const { path, sync } = storePath(spec, policyFile);
  return new SqliteStore(path, { sync, readonly: options.readonly });
}

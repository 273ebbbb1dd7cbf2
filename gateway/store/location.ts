import { isAbsolute, resolve, dirname } from 'node:path';
import type { Policy } from '../policy/types.js';

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'memory' } | { kind: 'postgres'; url: string };

/** Where the policy's state store lives; a relative SQLite path is relative to the policy file's folder. */
export function storeLocation(policy: Policy): StoreLocation {
  const s = policy.gateway.store;
  if (s === 'memory:') return { kind: 'memory' };
  if (s.startsWith('sqlite:')) {
    const p = s.slice('sqlite:'.length);
    return { kind: 'sqlite', path: isAbsolute(p) ? p : resolve(dirname(policy.file), p) };
  }
  return { kind: 'postgres', url: s };
}

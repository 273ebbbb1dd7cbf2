import type { Grant } from '../policy/engine.js';
import type { Policy } from '../policy/types.js';

/**
 * Grants from approved access requests, read from the policy's state store so `policy explain`
 * shows the overlay. Until the store lands there are none.
 */
export async function activeGrants(_policy: Policy): Promise<Grant[]> {
  return [];
}

/**
 * What the client and the server agree on beyond standard LSP: command ids, their arguments and the
 * settings section. Declared once here; the VS Code client imports this module too.
 */

export const SETTINGS_SECTION = 'chainwarden';

export const Commands = {
  /** Files an access request for a flagged resource (admin API when reachable, else a request file). */
  requestAccess: 'chainwarden.requestAccess',
} as const;

/** Arguments of `chainwarden.requestAccess` (one object). The client may fill `reason` after prompting for it. */
export interface RequestAccessArgs {
  /** The file whose diagnostic offered the request (a file: URI); selects the policy. */
  uri: string;
  chain: string;
  connection: string;
  operation: string;
  reason?: string;
  /** 1-based line of the flagged call, recorded with a request written to a file. */
  line?: number;
}

export interface RequestAccessResult {
  id: string;
  status: string;
  /** `gateway`: filed with the admin API; `file`: written under .chainwarden/requests/. */
  via: 'gateway' | 'file';
  /** The request file, when written to disk. */
  path?: string;
}

/**
 * How the extension starts the gateway and reaches its admin API, from the policy and settings.
 * The runtime is the extension host's own (process.execPath with ELECTRON_RUN_AS_NODE=1), so no
 * separate Node install is needed. No VS Code import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { resolveSecret, type Policy } from '../../gateway/policy/index.js';
import { portOf, type GatewayLaunch } from './gateway-process.js';

export interface LaunchInputs {
  policyFile: string;
  policy: Policy | undefined;
  /** The CLI entry (bin/chainwarden.js in a checkout, dist/cli.cjs in the packaged extension). */
  cliScript: string;
  runtime: string;
  env: NodeJS.ProcessEnv;
  probe: () => Promise<boolean>;
  /** Variables for the gateway (upstream secrets) from an env file; the process environment wins. */
  envFile?: string | undefined;
}

export function gatewayLaunch(i: LaunchInputs): GatewayLaunch {
  const fromFile = i.envFile && existsSync(i.envFile) ? parseEnvFile(readFileSync(i.envFile, 'utf8')) : {};
  return {
    command: i.runtime,
    args: [i.cliScript, 'gateway', '--policy', i.policyFile],
    cwd: dirname(i.policyFile),
    // ELECTRON_RUN_AS_NODE: an Electron binary then behaves as plain Node; harmless for a real Node.
    env: { ...fromFile, ...i.env, ELECTRON_RUN_AS_NODE: '1' },
    port: portOf(i.policy?.gateway.listen),
    probe: i.probe,
  };
}

/** The env file for the gateway: the setting (relative to the policy's folder), else gateway.env beside the policy. */
export function envFileFor(setting: string | null | undefined, policyFile: string): string {
  const s = setting?.trim();
  if (s) return isAbsolute(s) ? s : join(dirname(policyFile), s);
  return join(dirname(policyFile), 'gateway.env');
}

/** KEY=VALUE lines (dotenv style): comments and blank lines skipped, `export ` allowed, one level of quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m || raw.trim().startsWith('#')) continue;
    let v = m[2]!;
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    out[m[1]!] = q === '"' ? v.replace(/\\n/g, '\n') : v;
  }
  return out;
}

/** The admin API base URL: the setting, else http://<gateway.admin> from the policy, else the default. */
export function adminUrlFor(setting: string | null | undefined, policy: Policy | undefined): string {
  const s = setting?.trim();
  if (s) return s.replace(/\/+$/, '');
  return `http://${policy?.gateway.admin ?? '127.0.0.1:8791'}`;
}

/**
 * The admin token: the one stored in SecretStorage wins; else the policy's adminToken when it is a
 * `file:` reference (the development token beside the policy). env: references are not read here:
 * the extension host's environment is not the gateway's.
 */
export function adminTokenFor(stored: string | undefined, policy: Policy | undefined): string | undefined {
  if (stored) return stored;
  const ref = policy?.gateway.adminToken;
  // Only templates made of file: references: env: parts would read the extension host's environment.
  if (!ref || !ref.parts.some((x) => typeof x === 'object' && 'file' in x) || ref.parts.some((x) => typeof x === 'object' && 'env' in x)) return undefined;
  try {
    return resolveSecret(ref, {}, policy.file).reveal();
  } catch {
    return undefined;
  }
}

/** The CLI script: the setting, else the workspace's own install, else the one bundled with the extension. */
export function cliScriptFor(setting: string | null | undefined, workspaceRoot: string | undefined, bundled: string): string {
  if (setting?.trim()) return setting.trim();
  if (workspaceRoot) {
    for (const p of [join(workspaceRoot, 'node_modules', 'chainwarden', 'bin', 'chainwarden.js'), join(workspaceRoot, 'bin', 'chainwarden.js')]) {
      if (existsSync(p)) return p;
    }
  }
  return bundled;
}

/** The workspace's policy and admin API, as the extension sees them (re-read when the policy or settings change). */
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { findPolicyFile, loadPolicyFile, type Policy } from '../gateway/policy/index.js';
import { GatewayAdmin } from './core/admin-api.js';
import { adminTokenFor, adminUrlFor } from './core/launch.js';

export const TOKEN_KEY = 'chainwarden.adminToken';

export class Workspace {
  private cached: { file: string | undefined; policy: Policy | undefined } | undefined;
  private storedToken: string | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  async init(): Promise<void> {
    this.storedToken = await this.secrets.get(TOKEN_KEY);
  }

  async setToken(token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(TOKEN_KEY, token);
    else await this.secrets.delete(TOKEN_KEY);
    this.storedToken = token;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  root(): string | undefined {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  }

  policy(): { file: string | undefined; policy: Policy | undefined } {
    if (this.cached) return this.cached;
    const root = this.root();
    const setting = vscode.workspace.getConfiguration('chainwarden').get<string>('policyPath')?.trim();
    let file: string | undefined;
    if (setting) file = isAbsolute(setting) || !root ? setting : join(root, setting);
    else if (root) file = findPolicyFile(undefined, root, {}) ?? undefined;
    const policy = file ? loadPolicyFile(file, { resolveSecrets: false }).policy : undefined;
    this.cached = { file, policy };
    return this.cached;
  }

  /** The admin API client, or undefined when there is no policy and no admin URL setting. */
  admin(): GatewayAdmin | undefined {
    const { policy } = this.policy();
    const cfg = vscode.workspace.getConfiguration('chainwarden');
    const url = cfg.get<string>('gatewayAdminUrl');
    if (!policy && !url) return undefined;
    const actor = cfg.get<string>('actor')?.trim() || undefined;
    return new GatewayAdmin(adminUrlFor(url, policy), adminTokenFor(this.storedToken, policy), actor);
  }
}

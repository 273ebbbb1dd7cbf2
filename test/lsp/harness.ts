/**
 * A real LSP client for tests and the latency benchmark: spawns `node bin/chainwarden.js lsp --stdio`
 * and speaks JSON-RPC over its stdin/stdout. Server→client requests (configuration, registration,
 * progress) are answered as an editor would; notifications are kept so tests can await them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { applyTextEdits } from '../../server/lsp/text-edits.js';
import { CLI } from '../helpers/paths.js';

export interface Notification {
  method: string;
  params: any;
}

export class LspClient {
  readonly connection: MessageConnection;
  readonly notifications: Notification[] = [];
  /** What the client answers to workspace/configuration for section "chainwarden". */
  settings: Record<string, unknown> = {};
  /** Every workspace/configuration request seen. */
  configurationRequests = 0;
  private waiters: Array<() => void> = [];
  private readonly versions = new Map<string, number>();
  readonly texts = new Map<string, string>();
  stderr = '';
  initializeResult: any;

  private constructor(
    readonly child: ChildProcess,
    readonly root: string,
  ) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection.onNotification((method, params) => {
      this.notifications.push({ method, params });
      for (const w of this.waiters.splice(0)) w();
    });
    // $/progress is routed to per-token handlers by vscode-jsonrpc; the client registers none, so all arrive here.
    this.connection.onUnhandledProgress((params) => {
      this.notifications.push({ method: '$/progress', params });
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => {
      this.configurationRequests++;
      return params.items.map(() => this.settings);
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  /** Copies a fixture folder to a temp workspace and starts the server on it. */
  static async start(fixture: string, settings: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}, args: string[] = [CLI, 'lsp', '--stdio']): Promise<LspClient> {
    const root = mkdtempSync(join(tmpdir(), 'cw-lsp-'));
    cpSync(fixture, root, { recursive: true });
    const childEnv = { ...process.env, ...env };
    delete childEnv.CHAINWARDEN_POLICY;
    delete childEnv.CHAINWARDEN_ADMIN_URL;
    delete childEnv.CHAINWARDEN_ADMIN_TOKEN;
    const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child, root);
    client.settings = settings;
    client.initializeResult = await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'fixture' }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true }, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown'] }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
      },
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  uri(rel: string): string {
    return pathToFileURL(join(this.root, rel)).href;
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  async open(rel: string, text: string, languageId = rel.endsWith('.yaml') ? 'yaml' : rel.endsWith('.py') ? 'python' : 'typescript'): Promise<number> {
    const uri = this.uri(rel);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return 1;
  }

  /** Replaces the whole text (a full-content change); returns the new version. */
  async change(rel: string, text: string): Promise<number> {
    const uri = this.uri(rel);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  version(rel: string): number {
    return this.versions.get(this.uri(rel)) ?? 0;
  }

  /** Resolves with the first notification (already received or future) matching; rejects after `timeoutMs`. */
  waitFor(predicate: (n: Notification) => boolean, timeoutMs = 15000, since = 0): Promise<Notification> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.notifications.slice(since).find(predicate);
        if (hit) resolve(hit);
        return Boolean(hit);
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== onNote);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a notification; stderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const onNote = (): void => {
        if (check()) clearTimeout(timer);
        else this.waiters.push(onNote);
      };
      this.waiters.push(onNote);
    });
  }

  /** The diagnostics published for a document version (or, with version null, for the file on disk). */
  async diagnostics(rel: string, version: number | null = this.version(rel), timeoutMs?: number): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    const n = await this.waitFor(
      (x) => x.method === 'textDocument/publishDiagnostics' && (x.params as PublishDiagnosticsParams).uri === uri && (version === null || (x.params as PublishDiagnosticsParams).version === version),
      timeoutMs,
    );
    return (n.params as PublishDiagnosticsParams).diagnostics;
  }

  /** Applies a WorkspaceEdit to the client's copies of open documents (or files read by `read`). */
  applyEdit(edit: WorkspaceEdit, read: (uri: string) => string): Map<string, string> {
    const out = new Map<string, string>();
    const perUri = new Map<string, TextEdit[]>();
    for (const dc of edit.documentChanges ?? []) {
      if (!('textDocument' in dc)) throw new Error('only text document edits are expected');
      perUri.set(dc.textDocument.uri, [...(perUri.get(dc.textDocument.uri) ?? []), ...(dc.edits as TextEdit[])]);
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) perUri.set(uri, [...(perUri.get(uri) ?? []), ...edits]);
    for (const [uri, edits] of perUri) out.set(uri, applyTextEdits(this.texts.get(uri) ?? read(uri), edits));
    return out;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }
}

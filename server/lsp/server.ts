/**
 * The language server's LSP wiring — every protocol handler lives in this file; the logic lives in the
 * plain modules next to it (queue, project, convert, hover, code-actions, request-access), which are
 * tested without an editor.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationTokenSource, CodeActionKind, Message, type ConnectionStrategy, MessageType, ShowMessageNotification, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType, TextDocuments, TextDocumentSyncKind,
  type CancellationToken, type Connection, type InitializeParams, type InitializeResult, type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { findPolicyFile, parsePolicy } from '../../gateway/policy/index.js';
import { isSourceFile } from '../scan/workspace.js';
import { readyLanguages } from '../languages/index.js';
import type { Finding } from '../scan/types.js';
import { codeActionsFor } from './code-actions.js';
import { findingToDiagnostic, policyDiagnosticToLsp, ruleDocsUrl, toLspRange } from './convert.js';
import { lspError } from './errors.js';
import { FixRecords } from './fix-record.js';
import { hoverMarkdown } from './hover.js';
import { Project, type PolicyUpdate } from './project.js';
import { Commands, Requests, SETTINGS_SECTION, type InventoryResult, type RequestAccessArgs } from './protocol.js';
import { ValidationQueue, pause } from './queue.js';
import { defaultReason, requestAccess } from './request-access.js';
import { PathAliases } from '../languages/typescript/path-aliases.js';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from './settings.js';

const POLICY_NAMES = new Set(['chainwarden.yaml', 'chainwarden.yml']);

/**
 * How the connection treats a request the client cancelled before it was dispatched: hovers and code
 * actions for an older state are answered with null at once instead of being computed (as vscode-eslint does).
 */
export const connectionStrategy: ConnectionStrategy = {
  cancelUndispatched: (message: Message) => {
    if (Message.isRequest(message) && (message.method === 'textDocument/codeAction' || message.method === 'textDocument/hover')) {
      return { jsonrpc: message.jsonrpc, id: message.id, result: null };
    }
    return undefined;
  },
};

export interface ServerOptions {
  env?: NodeJS.ProcessEnv;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const env = options.env ?? process.env;
  const documents = new TextDocuments(TextDocument);
  const records = new FixRecords();
  /** Files with non-empty diagnostics published, so a later clean result is sent too. */
  const published = new Set<string>();
  /** Documents edited since their last validation: their importers are re-checked after them. */
  const changed = new Set<string>();
  let settings: Settings = DEFAULT_SETTINGS;
  let folders: string[] = [];
  let projects: Project[] = [];
  let caps = { configuration: false, watchers: false, documentChanges: false };
  let scan: CancellationTokenSource | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  // stdout is the protocol channel: stray console output from anywhere goes to the client's log instead.
  console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
  console.info = console.log;

  const queue = new ValidationQueue(validate, () => settings.debounceMs, (uri, e) => connection.console.error(`validation of ${uri} failed: ${(e as Error).stack ?? e}`));

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    caps = {
      configuration: Boolean(c.workspace?.configuration),
      watchers: Boolean(c.workspace?.didChangeWatchedFiles?.dynamicRegistration),
      documentChanges: Boolean(c.workspace?.workspaceEdit?.documentChanges),
    };
    const wf: WorkspaceFolder[] = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    folders = wf.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri));
    const init = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (init) settings = normalizeSettings(init);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
        executeCommandProvider: { commands: [Commands.requestAccess] },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'chainwarden' },
    };
  });

  connection.onInitialized(async () => {
    if (caps.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    if (caps.watchers) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/chainwarden.{yaml,yml}' }, { globPattern: '**/.env*' }, { globPattern: '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,ipynb}' }, { globPattern: '**/{tsconfig,jsconfig}*.json' }],
      });
    }
    await reloadSettings();
    await readyLanguages(); // Python's parser is WebAssembly: loaded once, before the first analysis
    rebuildProjects();
    markReady();
    void startWorkspaceScan();
  });

  async function reloadSettings(): Promise<void> {
    if (!caps.configuration) return;
    try {
      settings = normalizeSettings(await connection.workspace.getConfiguration({ section: SETTINGS_SECTION }));
    } catch (e) {
      connection.console.warn(`cannot read settings: ${(e as Error).message}`);
    }
  }

  /** New projects: caches dropped, policies read again (the editor's text where open). */
  function rebuildProjects(): void {
    records.clear();
    projects = folders.map((f) => new Project(f, settings, env)).sort((a, b) => b.root.length - a.root.length);
    for (const p of projects) {
      const open = p.policyFile ? documents.get(pathToFileURL(p.policyFile).href) : undefined;
      p.updatePolicy(open?.getText());
      publishPolicy(p, open?.version ?? null);
      for (const d of documents.all()) if (isSourceUri(d.uri) && p.contains(fileURLToPath(d.uri))) p.workspace.setText(fileURLToPath(d.uri), d.getText());
    }
  }

  function projectFor(file: string): Project | undefined {
    const hit = projects.find((p) => p.contains(file) || p.isPolicyFile(file));
    if (hit || folders.length) return hit;
    // No workspace folder (a single file opened): the folder of the nearest chainwarden.yaml.
    const policy = findPolicyFile(undefined, dirname(file), env);
    if (!policy) return undefined;
    const p = new Project(dirname(policy), settings, env);
    p.updatePolicy();
    projects.push(p);
    return p;
  }

  function publishPolicy(p: Project, version: number | null): void {
    if (!p.policyFile) return;
    const diagnostics = p.policyDiagnostics.map((d) => policyDiagnosticToLsp(d, settings));
    void connection.sendDiagnostics({ uri: pathToFileURL(p.policyFile).href, ...(version !== null ? { version } : {}), diagnostics });
  }

  function publish(uri: string, version: number | null, findings: Finding[]): void {
    const entries = findings.map((finding) => ({ finding, diagnostic: findingToDiagnostic(finding, settings) }));
    records.set({ uri, version, entries });
    const diagnostics = entries.flatMap((e) => (e.diagnostic ? [e.diagnostic] : []));
    if (!diagnostics.length && !published.has(uri) && version === null) return;
    if (diagnostics.length) published.add(uri);
    else published.delete(uri);
    void connection.sendDiagnostics({ uri, ...(version !== null ? { version } : {}), diagnostics });
  }

  /** The queue's runner: analyse one file (the editor's text when open), publish, then queue its importers. */
  async function validate(uri: string, version: number | null, token: CancellationToken): Promise<void> {
    await ready;
    if (token.isCancellationRequested) return;
    const file = fileURLToPath(uri);
    const project = projectFor(file);
    const doc = documents.get(uri);
    if (!project || (doc && version !== null && doc.version !== version)) return;
    const findings = project.workspace.analyzeFile(file, doc?.getText());
    if (token.isCancellationRequested) return;
    publish(uri, doc ? doc.version : null, findings);
    if (changed.delete(uri)) {
      for (const dep of project.workspace.dependentsOf(file)) {
        const depUri = pathToFileURL(dep).href;
        queue.schedule(depUri, documents.get(depUri)?.version ?? null);
      }
    }
  }

  /** Analyses every file of every project that is not open (open ones go through the queue), with progress. */
  function startWorkspaceScan(): Promise<void> {
    scan?.cancel();
    const source = (scan = new CancellationTokenSource());
    return (async () => {
      const progress = await connection.window.createWorkDoneProgress();
      progress.begin('Chainwarden', 0, 'scanning the workspace', true);
      try {
        const work = projects.flatMap((p) => safeList(p).map((file) => ({ p, file })));
        for (let i = 0; i < work.length; i++) {
          if (source.token.isCancellationRequested || progress.token.isCancellationRequested) return;
          // Edits come first: the scan waits while the editor's documents are being validated.
          if (queue.size) await queue.idle();
          await pause(0);
          if (source.token.isCancellationRequested) return;
          const { p, file } = work[i]!;
          const uri = pathToFileURL(file).href;
          if (documents.get(uri)) continue;
          publish(uri, null, p.workspace.analyzeFile(file));
          progress.report(Math.round(((i + 1) * 100) / work.length), p.workspace.relative(file));
        }
      } catch (e) {
        connection.console.error(`workspace scan failed: ${(e as Error).message}`);
      } finally {
        progress.done();
      }
    })();
  }

  function safeList(p: Project): string[] {
    try {
      return p.workspace.listFiles([p.root]);
    } catch {
      return [];
    }
  }

  /** The policy changed (editor or disk): publish its diagnostics; a valid change re-checks open files, then the rest. */
  function policyChanged(p: Project, update: PolicyUpdate, version: number | null): void {
    if (update === 'unchanged') return;
    publishPolicy(p, version);
    if (update !== 'applied') return;
    for (const d of documents.all()) if (isSourceUri(d.uri) && p.contains(fileURLToPath(d.uri))) queue.schedule(d.uri, d.version);
    startWorkspaceScan();
  }

  function isSourceUri(uri: string): boolean {
    return uri.startsWith('file:') && isSourceFile(fileURLToPath(uri));
  }

  function policyUri(uri: string): boolean {
    return uri.startsWith('file:') && POLICY_NAMES.has(basename(fileURLToPath(uri)));
  }

  documents.onDidChangeContent(async ({ document: doc }) => {
    if (policyUri(doc.uri)) {
      await ready;
      const file = fileURLToPath(doc.uri);
      const p = projects.find((x) => x.isPolicyFile(file));
      if (p) {
        const update = p.updatePolicy(doc.getText());
        // Opening the file as it is on disk changes nothing, but the editor still wants its diagnostics.
        if (update === 'unchanged') publishPolicy(p, doc.version);
        else policyChanged(p, update, doc.version);
      } else {
        // A policy file of no project (another folder's, a copy): still checked as you type.
        const diagnostics = parsePolicy(doc.getText(), file).diagnostics.map((d) => policyDiagnosticToLsp(d, settings));
        void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
      }
      return;
    }
    if (!isSourceUri(doc.uri)) return;
    changed.add(doc.uri);
    queue.schedule(doc.uri, doc.version);
  });

  documents.onDidSave(({ document: doc }) => {
    if (isSourceUri(doc.uri)) queue.schedule(doc.uri, doc.version);
  });

  documents.onDidClose(async ({ document: doc }) => {
    await ready;
    const file = fileURLToPath(doc.uri);
    if (policyUri(doc.uri)) {
      const p = projects.find((x) => x.isPolicyFile(file));
      if (p) policyChanged(p, p.updatePolicy(), null);
      return;
    }
    if (!isSourceUri(doc.uri)) return;
    queue.cancel(doc.uri);
    projectFor(file)?.workspace.setText(file, null);
    changed.add(doc.uri);
    queue.schedule(doc.uri, null);
  });

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    await ready;
    let rebuild = false;
    for (const change of changes) {
      if (!change.uri.startsWith('file:') || documents.get(change.uri)) continue; // open documents follow the editor's text
      const file = fileURLToPath(change.uri);
      const owner = projects.find((p) => p.isPolicyFile(file));
      if (owner) {
        policyChanged(owner, owner.updatePolicy(), null);
        continue;
      }
      if (POLICY_NAMES.has(basename(file))) {
        rebuild ||= projects.some((p) => p.contains(file) && !p.policyFile);
        continue;
      }
      if (PathAliases.isConfigFile(file)) {
        // Import aliases may now point elsewhere in any file: analyse everything again.
        rebuild ||= projects.some((p) => p.contains(file));
        continue;
      }
      const p = projectFor(file);
      if (!p) continue;
      const createdOrDeleted = change.type !== FileChangeType.Changed;
      p.workspace.fileChanged(file, createdOrDeleted);
      if (isSourceFile(file)) {
        changed.add(change.uri);
        if (change.type === FileChangeType.Deleted) {
          records.delete(change.uri);
          published.delete(change.uri);
          void connection.sendDiagnostics({ uri: change.uri, diagnostics: [] });
        } else queue.schedule(change.uri, null);
      }
      for (const dep of p.workspace.dependentsOf(file)) queue.schedule(pathToFileURL(dep).href, documents.get(pathToFileURL(dep).href)?.version ?? null);
    }
    if (rebuild) restart();
  });

  /** Settings changed or a policy appeared: drop every cache and validate again. */
  function restart(): void {
    queue.cancelAll();
    rebuildProjects();
    for (const d of documents.all()) if (isSourceUri(d.uri)) queue.schedule(d.uri, d.version);
    startWorkspaceScan();
  }

  connection.onDidChangeConfiguration(async () => {
    await ready;
    await reloadSettings();
    restart();
  });

  connection.onHover((params) => {
    const doc = documents.get(params.textDocument.uri);
    const entry = records.at(params.textDocument.uri, doc?.version ?? null, params.position);
    if (!entry) return null;
    const project = projectFor(fileURLToPath(params.textDocument.uri));
    return {
      contents: { kind: 'markdown', value: hoverMarkdown(entry.finding, project?.compiled, ruleDocsUrl(entry.finding.code, settings)) },
      range: toLspRange(entry.finding),
    };
  });

  connection.onCodeAction((params) => {
    const only = params.context.only;
    if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k + '.') || k === '')) return [];
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    if (!doc || !uri.startsWith('file:')) return [];
    const entries = records.forDiagnostics(uri, doc.version, params.context.diagnostics);
    if (!entries.length) return [];
    const file = fileURLToPath(uri);
    const project = projectFor(file);
    const policyFile = project?.policyFile;
    const policyDoc = policyFile ? documents.get(pathToFileURL(policyFile).href) : undefined;
    const policyText = policyDoc?.getText() ?? (policyFile ? readOrUndefined(policyFile) : undefined);
    return codeActionsFor(entries, {
      document: { uri, text: doc.getText(), version: doc.version },
      fileName: file,
      policy: project?.policy,
      policyDocument: policyFile && policyText !== undefined ? { uri: pathToFileURL(policyFile).href, text: policyText, version: policyDoc?.version ?? null } : undefined,
      documentChanges: caps.documentChanges,
    });
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== Commands.requestAccess) return lspError('CW_LSP_UNKNOWN_COMMAND', params.command);
    const args = params.arguments?.[0] as Partial<RequestAccessArgs> | undefined;
    const str = (v: unknown) => typeof v === 'string' && v.trim() !== '';
    if (!args || !str(args.uri) || !str(args.chain) || !str(args.connection) || !str(args.operation) || !args.uri!.startsWith('file:')) {
      return lspError('CW_LSP_BAD_ARGUMENTS', 'expected { uri, chain, connection, operation, reason? }');
    }
    await ready;
    const file = fileURLToPath(args.uri!);
    const project = projectFor(file);
    if (!project) return lspError('CW_LSP_NOT_IN_WORKSPACE', file);
    if (!project.policy) {
      showMessage(MessageType.Error, 'Chainwarden: cannot request access: chainwarden.yaml has errors or is missing.');
      return lspError('CW_LSP_NO_POLICY');
    }
    const req = { chain: args.chain!, connection: args.connection!, operation: args.operation! };
    const reason = str(args.reason) ? args.reason!.trim() : defaultReason(req);
    try {
      const result = await requestAccess(
        { ...req, reason, source: { file: project.workspace.relative(file), ...(args.line ? { line: args.line } : {}) } },
        { policy: project.policy, adminUrl: settings.gatewayAdminUrl, env },
      );
      showMessage(result.via === 'gateway' ? MessageType.Info : MessageType.Warning, `Chainwarden: ${result.message}`);
      return { id: result.id, status: result.status, via: result.via, ...(result.path ? { path: result.path } : {}) };
    } catch (e) {
      const message = `Chainwarden: access request failed: ${(e as Error).message}`;
      showMessage(MessageType.Error, message);
      return lspError('CW_LSP_REQUEST_FAILED', (e as Error).message);
    }
  });

  connection.onRequest(Requests.inventory, async (): Promise<InventoryResult> => {
    await ready;
    const entries: InventoryResult['entries'] = [];
    for (const r of records.all()) {
      for (const { finding: f } of r.entries) {
        entries.push({ uri: r.uri, file: f.file, line: f.line, column: f.column, kind: f.kind, provider: f.provider, chain: f.chain, connection: f.connection, status: f.status, severity: f.severity, message: f.message });
      }
    }
    return { entries };
  });

  connection.onRequest(Requests.scanWorkspace, async (): Promise<void> => {
    await ready;
    // Files not open are read from disk again; open ones keep what the queue validated from the editor.
    await startWorkspaceScan();
  });

  /** window/showMessage (a notification: nothing waits for the user to dismiss it). */
  function showMessage(type: MessageType, message: string): void {
    void connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  connection.onShutdown(() => {
    scan?.cancel();
    queue.cancelAll();
  });

  documents.listen(connection);
  connection.listen();
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

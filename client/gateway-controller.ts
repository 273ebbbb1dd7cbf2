/** Start / Stop / Restart Gateway and its log: the supervisor wired to an output channel and the status bar. */
import * as vscode from 'vscode';
import { GatewaySupervisor, type GatewayState, type LogLine } from './core/gateway-process.js';
import { gatewayLaunch, cliScriptFor, envFileFor } from './core/launch.js';
import type { Workspace } from './workspace.js';

export class GatewayController implements vscode.Disposable {
  readonly supervisor = new GatewaySupervisor();
  readonly log: vscode.OutputChannel;

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly ws: Workspace, onState: (s: GatewayState) => void) {
    // Its own language id: syntaxes/chainwarden-log.tmLanguage.json colours allow / deny / approve / flag.
    this.log = vscode.window.createOutputChannel('Chainwarden Gateway', 'chainwarden-log');
    this.supervisor.on('line', (l: LogLine) => this.log.appendLine(l.text));
    this.supervisor.on('state', (s: GatewayState) => {
      if (s.kind === 'error') this.log.appendLine(`[chainwarden] ${s.message}`);
      onState(s);
    });
  }

  get state(): GatewayState {
    return this.supervisor.state;
  }

  start(): void {
    const p = this.ws.policy();
    if (!p.file) {
      void vscode.window.showErrorMessage('Chainwarden: no chainwarden.yaml in this workspace (or set chainwarden.policyPath).');
      return;
    }
    if (!p.policy) {
      void vscode.window.showErrorMessage(`Chainwarden: ${p.file} has errors; see Problems.`);
      return;
    }
    const cfg = vscode.workspace.getConfiguration('chainwarden');
    const runtime = cfg.get<string>('gateway.runtime')?.trim() || process.execPath;
    const cli = cliScriptFor(cfg.get<string>('gateway.cliPath'), this.ws.root(), this.ctx.asAbsolutePath('out/cli/bin/chainwarden.mjs'));
    const admin = this.ws.admin()!;
    this.log.appendLine(`[chainwarden] starting: ${runtime} ${cli} gateway --policy ${p.file}`);
    const envFile = envFileFor(cfg.get<string>('gateway.envFile'), p.file);
    this.supervisor.start(gatewayLaunch({ policyFile: p.file, policy: p.policy, cliScript: cli, runtime, env: process.env, envFile, probe: () => admin.healthy() }));
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  dispose(): void {
    this.supervisor.dispose();
    this.log.dispose();
  }
}

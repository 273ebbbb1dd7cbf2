import { UsageError, type Command } from '../command.js';

export const lsp: Command = {
  name: 'lsp',
  summary: 'Run the language server (diagnostics, hovers and quick fixes for editors) over stdio',
  usage: '--stdio',
  options: { stdio: { type: 'boolean' } },
  optionHelp: { stdio: 'Speak LSP on stdin/stdout (the only transport of this verb; editors that use IPC start dist/server/main.js).' },
  details: 'Settings come from the editor (section "chainwarden"); see docs/language-server.md.',
  async run(ctx) {
    if (!ctx.values.stdio) throw new UsageError('--stdio is required (the server speaks LSP on stdin/stdout)');
    // Loaded here, not at the top: every other verb (scan, policy…) would otherwise pay for the server's modules at start.
    const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver/node');
    const { connectionStrategy, startServer } = await import('../../../server/lsp/server.js');
    const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout), connectionStrategy);
    startServer(connection, { env: ctx.env });
    // The connection owns the process from here: it exits on the client's "exit" notification or when stdin closes.
    return await new Promise<number>((resolve) => {
      connection.onExit(() => resolve(0));
      // The client went away without "exit" (its end of the pipe closed).
      process.stdin.once('end', () => resolve(0));
      ctx.signal.addEventListener('abort', () => {
        connection.dispose();
        process.stdin.destroy();
        resolve(0);
      }, { once: true });
    });
  },
};

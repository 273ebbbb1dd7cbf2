/**
 * The language server's plain entry, for the VS Code client (`node dist/server/main.js --node-ipc`)
 * or any editor (`--stdio`, `--socket=PORT`, `--pipe=NAME`): the transport comes from the arguments.
 * `chainwarden lsp --stdio` starts the same server from the CLI.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { connectionStrategy, startServer } from './lsp/server.js';

startServer(createConnection(ProposedFeatures.all, connectionStrategy));

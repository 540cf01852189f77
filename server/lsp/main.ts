// Language server entry (dist/server.js). The transport comes from the command line: `--stdio` or
// `--node-ipc` (what the VS Code extension uses); `codelets lsp` runs the same server in-process.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));

// `codelets lsp --stdio | --node-ipc`: the language server in this process. The connection reads the
// transport from process.argv, which still holds the flag commander saw.
export async function lspCommand(): Promise<number> {
  const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
  const { startServer } = await import('../../server/lsp/server');
  if (!process.argv.includes('--stdio') && !process.argv.includes('--node-ipc')) {
    const { UsageError } = await import('../usage-error');
    throw new UsageError('codelets lsp needs a transport: --stdio or --node-ipc');
  }
  startServer(createConnection(ProposedFeatures.all));
  // The process lives as long as the connection; the server exits on `exit`.
  return new Promise<number>(() => {});
}

// Placeholder until the lsp command lands; replaced by its owner.
export async function lspCommand(..._args: unknown[]): Promise<number> {
  process.stderr.write('codelets lsp: not built yet\n');
  return 1;
}

// Where the agent finds codelets (their invoke path and plan). The analyser-backed catalog is the real one;
// a fixed list serves tests that build plans by hand.
import type { Codelet } from '../../server/analysis/metadata';

export interface CodeletCatalog {
  codelet(id: string): Codelet | undefined;
  /** Picks up source changes before a request (cheap when nothing changed). */
  refresh?(): void;
  close?(): void;
}

export class FixedCatalog implements CodeletCatalog {
  private readonly byId: Map<string, Codelet>;
  constructor(codelets: readonly Codelet[]) {
    this.byId = new Map(codelets.map((c) => [c.id, c]));
  }
  codelet(id: string): Codelet | undefined {
    return this.byId.get(id);
  }
}

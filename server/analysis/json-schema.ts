// The JSON Schema of the analyser's output, derived from the zod schemas in metadata.ts so the two cannot
// drift. `scripts/gen-schemas.ts` writes it to schemas/analysis.schema.json; a test checks the file.
import { z } from 'zod';
import { AnalysisResult, SCHEMA_VERSION } from './metadata';

export function analysisJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AnalysisResult, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `https://codelets.dev/schemas/analysis-v${SCHEMA_VERSION}.schema.json`,
    title: 'Codelets analysis result',
    description: `Codelet metadata produced by \`codelets analyze --json\` (schemaVersion ${SCHEMA_VERSION}). Lines and characters are 0-based, as in LSP.`,
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

export function analysisJsonSchemaText(): string {
  return JSON.stringify(analysisJsonSchema(), null, 2) + '\n';
}

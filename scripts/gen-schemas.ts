// Writes schemas/analysis.schema.json from the zod schemas (server/analysis/metadata.ts).
//   node --import tsx scripts/gen-schemas.ts           write it
//   node --import tsx scripts/gen-schemas.ts --check   exit 1 if the committed file is out of date
import fs from 'node:fs';
import path from 'node:path';
import { analysisJsonSchemaText } from '../server/analysis/json-schema';

const target = path.resolve(__dirname, '..', 'schemas', 'analysis.schema.json');
const text = analysisJsonSchemaText();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(`${path.relative(process.cwd(), target)} is out of date: run node --import tsx scripts/gen-schemas.ts\n`);
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  process.stderr.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

// Writes schemas/fleets.schema.json from the zod schema in config.ts (VS Code validates
// `.codelets/fleets.json` with it through package.json `contributes.jsonValidation`).
//   node --import tsx agent/fleets/gen-schema.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fleetsJsonSchemaText } from './config';

const target = path.resolve(__dirname, '../../schemas/fleets.schema.json');
writeFileSync(target, fleetsJsonSchemaText());
process.stderr.write(`wrote ${target}\n`);

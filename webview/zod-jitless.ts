// Imported first by main.ts, before any schema is built: zod otherwise probes `new Function` when it
// compiles object schemas, and under the page's CSP each probe is reported as a (caught) violation.
import { z } from 'zod';

z.config({ jitless: true });

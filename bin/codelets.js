#!/usr/bin/env node
// Launcher for the bundled CLI. `npm ci` builds dist/ through the `prepare` script.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`codelets: ${bundle} is missing; run \`npm run build\` first.\n`);
  process.exit(2);
}
require(bundle);

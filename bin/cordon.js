#!/usr/bin/env node
'use strict';
// A thin shim: the CLI is TypeScript, compiled by `npm run build` into dist/.
const fs = require('node:fs');
const path = require('node:path');

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'cordon-cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    `cordon: ${path.relative(process.cwd(), cli) || cli} is missing: run npm run build first\n`,
  );
  process.exit(2);
}
require(cli).main(process.argv.slice(2));

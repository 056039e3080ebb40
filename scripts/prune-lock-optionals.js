#!/usr/bin/env node
// The package registry these machines reach serves only some platform builds of native
// packages (e.g. @swc/core-linux-x64-gnu but not its darwin/win32 siblings), so npm cannot
// lock the others, and `npm ci` then refuses the lock as "Missing: … from lock file".
// This drops optional dependencies that have no entry in the lock, so `npm ci` installs what
// the registry has. Run after changing dependencies: `npm install && node scripts/prune-lock-optionals.js`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, '')));
let dropped = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`pruned ${dropped} optional dependencies the registry does not serve`);

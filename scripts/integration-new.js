#!/usr/bin/env node
'use strict';
/**
 * `npm run integration:new -- <id> [--capability C] [--vendor NAME] [--dir DIR]`: writes a new
 * integration folder (manifest, index, health check, client, one action, a fake that holds the
 * conformance fixtures, a spec and a README) that compiles, passes its own spec and the
 * conformance suite, and is discovered like any other. Plain CommonJS so it needs no build.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const KIT = path.join(ROOT, 'src', 'integrations', 'kit');
const SHIPPED = path.join(ROOT, 'integrations');
const TEMPLATES = path.join(__dirname, 'integration-templates');

/** Capabilities the scaffolder has an example for; every other one starts from the nearest of these. */
const EXAMPLES = {
  'notify.send': {
    template: 'notify-send',
    category: 'notify',
    action: 'send_message',
    what: 'posts the message to `POST /v1/messages` with the step’s idempotency key',
    description: 'Sends notifications through the __VENDOR__ API.',
    settingsRows: '| `defaultTo` | no | where messages go when a step names no recipient |\n',
  },
  'intel.lookup': {
    template: 'intel-lookup',
    category: 'intel',
    action: 'lookup',
    what: 'reads `GET /v1/indicators/{type}/{value}`; a 404 is verdict `unknown`',
    description: 'Looks up the reputation of hashes, IPs, domains and URLs in __VENDOR__.',
  },
  'firewall.block_ip': {
    template: 'firewall-block',
    category: 'firewall',
    action: 'block_ip',
    kind: 'ip',
    what: 'reads `GET /v1/blocklist`, then `PUT /v1/blocklist/{name}` unless already there',
    description: 'Blocks IP addresses on __VENDOR__ through its block list.',
  },
  'firewall.block_domain': {
    template: 'firewall-block',
    category: 'firewall',
    action: 'block_domain',
    kind: 'domain',
    what: 'reads `GET /v1/blocklist`, then `PUT /v1/blocklist/{name}` unless already there',
    description: 'Blocks domains on __VENDOR__ through its block list.',
  },
};
const DEFAULT_CAPABILITY = 'notify.send';
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const USAGE =
  'usage: npm run integration:new -- <id> [--capability ' +
  Object.keys(EXAMPLES).join('|') +
  '] [--vendor "Vendor Name"] [--dir DIR]';

class ScaffoldError extends Error {}

/** Why `id` cannot name an integration folder, or undefined when it can. */
function idProblem(id) {
  if (typeof id !== 'string' || !id) return 'which integration? give its id, e.g. acme-edr';
  if (id.length > 50) return `"${id}" is too long (50 characters at most)`;
  if (!ID.test(id))
    return `"${id}" is not a valid id: lower-case letters, digits and single dashes, starting with a letter (e.g. acme-edr)`;
  return undefined;
}

const words = (id) => id.split('-');
const pascal = (id) =>
  words(id)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
const camel = (id) => pascal(id)[0].toLowerCase() + pascal(id).slice(1);

/**
 * Writes `<dir>/<id>/` and resolves to the folder and the files written (relative to it).
 * Refuses a bad id, an unknown capability and a folder or id that already exists.
 */
async function scaffoldIntegration(options) {
  const id = options.id;
  const problem = idProblem(id);
  if (problem) throw new ScaffoldError(problem);
  const capability = options.capability || DEFAULT_CAPABILITY;
  const example = EXAMPLES[capability];
  if (!example) {
    throw new ScaffoldError(
      `no example for capability "${capability}"; choose one of ${Object.keys(EXAMPLES).join(', ')} ` +
        'and add further actions by hand (integrations/README.md tells how)',
    );
  }
  const dir = path.resolve(options.dir || SHIPPED);
  const folder = path.join(dir, id);
  if (fs.existsSync(folder)) throw new ScaffoldError(`${folder} already exists; choose another id`);
  if (dir !== SHIPPED && fs.existsSync(path.join(SHIPPED, id)))
    throw new ScaffoldError(
      `"${id}" is already a shipped integration (integrations/${id}); choose another id`,
    );

  const vendor = (
    options.vendor ||
    words(id)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(' ')
  ).trim();
  if (!vendor || /['\\\n]/.test(vendor)) throw new ScaffoldError('--vendor must be a plain name (no quotes)');
  const actionFile = example.action.replace(/_/g, '-');
  const vars = {
    __ID__: id,
    __VENDOR__: vendor,
    __PASCAL__: pascal(id),
    __CAMEL__: camel(id),
    __CONST__: id.toUpperCase().replace(/-/g, '_'),
    __CAPABILITY__: capability,
    __CATEGORY__: example.category,
    __ACTION__: example.action,
    __ACTION_FILE__: actionFile,
    __ACTION_CAMEL__: camel(actionFile),
    __KIND__: example.kind || '',
    __WHAT__: example.what,
    __SETTINGS__: read(example.template, 'settings.tmpl'),
    __SETTINGS_ROWS__: example.settingsRows || '',
  };
  vars.__DESCRIPTION__ = example.description.replace('__VENDOR__', vendor);

  const files = {
    'manifest.ts': ['common', 'manifest.ts.tmpl'],
    'index.ts': ['common', 'index.ts.tmpl'],
    'health-check.ts': ['common', 'health-check.ts.tmpl'],
    [`${id}.client.ts`]: ['common', 'client.ts.tmpl'],
    [`actions/${actionFile}.action.ts`]: [example.template, 'action.ts.tmpl'],
    [`fake/${id}.fake.ts`]: [example.template, 'fake.ts.tmpl'],
    [`${id}.spec.ts`]: [example.template, 'spec.ts.tmpl'],
    'README.md': ['common', 'README.md.tmpl'],
  };
  if (example.template === 'firewall-block')
    files['actions/block-list.ts'] = ['firewall-block', 'block-list.ts.tmpl'];

  const format = await formatter();
  const written = [];
  for (const [relative, [group, name]] of Object.entries(files).sort()) {
    const target = path.join(folder, relative);
    // Imports of the kit are relative, from wherever the folder lives (in the tree or out of it).
    let kit = path.relative(path.dirname(target), KIT).split(path.sep).join('/');
    if (!kit.startsWith('.')) kit = `./${kit}`;
    const text = fill(read(group, name), { ...vars, __KIT__: kit });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await format(text, target));
    written.push(relative);
  }
  return { folder, files: written };
}

function read(group, name) {
  return fs.readFileSync(path.join(TEMPLATES, group, name), 'utf8');
}

/** Replaces every placeholder; one left over is a bug in a template, not the integrator's problem. */
function fill(text, vars) {
  // Longest first, so __ACTION_CAMEL__ is not eaten by __ACTION__.
  const keys = Object.keys(vars).sort((a, b) => b.length - a.length);
  let out = text;
  for (const key of keys) out = out.split(key).join(vars[key]);
  const left = /__[A-Z_]+__/.exec(out);
  if (left) throw new Error(`template placeholder ${left[0]} has no value`);
  return out;
}

/** The project's Prettier, so the new folder passes `prettier --check` as written. */
async function formatter() {
  let prettier;
  try {
    prettier = require('prettier');
  } catch {
    return async (text) => text;
  }
  return async (text, file) => {
    const config = (await prettier.resolveConfig(path.join(ROOT, 'package.json'))) || {};
    return prettier.format(text, { ...config, filepath: file });
  };
}

/** Parses argv and scaffolds; resolves to an exit code. */
async function main(argv, io) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = { '--capability': 'capability', '--vendor': 'vendor', '--dir': 'dir' }[arg];
    if (flag) {
      const value = argv[++i];
      if (value === undefined) return usage(io, `${arg} needs a value`);
      options[flag] = value;
    } else if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    } else if (arg.startsWith('-') || options.id !== undefined) {
      return usage(io, `unexpected argument "${arg}"`);
    } else {
      options.id = arg;
    }
  }
  try {
    const { folder, files } = await scaffoldIntegration(options);
    const shown = path.relative(process.cwd(), folder) || folder;
    io.out(`wrote ${shown}/`);
    for (const file of files) io.out(`  ${file}`);
    io.out('next:');
    io.out(
      `  node --experimental-vm-modules node_modules/jest/bin/jest.js ${shown} src/integrations/conformance`,
    );
    if (!options.dir) io.out(`  npm run fake -- ${options.id}`);
    else
      io.out(
        '  compile the folder to JavaScript before Cordon loads it (integrations/README.md, INTEGRATIONS_PATH)',
      );
    io.out('  then replace the example /v1/ API with the vendor’s, in the client, the action and the fake');
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldError) return usage(io, err.message);
    throw err;
  }
}

function usage(io, problem) {
  io.err(problem);
  io.err(USAGE);
  return 2;
}

module.exports = { scaffoldIntegration, main, idProblem, EXAMPLES, DEFAULT_CAPABILITY, ScaffoldError };

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}

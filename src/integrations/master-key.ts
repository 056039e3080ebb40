import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { MasterKeyring } from './master-keyring';
import { SecretBox } from './secret-box';

/** Nest injection token for the SecretBox over the configured master keys. */
export const SECRET_BOX = Symbol('SECRET_BOX');

/**
 * The key-encryption key for connection secrets. Production passes CORDON_MASTER_KEY; embedded
 * mode creates one on first start beside its data (mode 0600) so `npm start` needs no setup.
 * `create: false` (the CLI) refuses instead: a fresh key there would wrap data no server can read.
 */
export function resolveMasterKey(config: AppConfig, opts: { create: boolean } = { create: true }): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  if (config.mode !== 'embedded') {
    throw new Error('CORDON_MASTER_KEY is required outside embedded mode (openssl rand -base64 32)');
  }
  const file = path.join(config.dataDir, 'master.key');
  if (!fs.existsSync(file)) {
    if (!opts.create) {
      throw new Error(
        `no master key: set CORDON_MASTER_KEY, or CORDON_DATA_DIR to the data directory whose master.key the server uses (${file} does not exist)`,
      );
    }
    fs.mkdirSync(config.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

/** The current master key and the retired ones (CORDON_MASTER_KEY_PREVIOUS) that still decrypt. */
export function resolveMasterKeyring(
  config: AppConfig,
  opts: { create: boolean } = { create: true },
): MasterKeyring {
  return new MasterKeyring(
    resolveMasterKey(config, opts),
    config.masterKeyPrevious.map((k) => Buffer.from(k, 'base64')),
  );
}

/** One SecretBox definition for every module that seals secrets (connections, webhook endpoints). */
export const secretBoxProvider: FactoryProvider<SecretBox> = {
  provide: SECRET_BOX,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new SecretBox(resolveMasterKeyring(config)),
};

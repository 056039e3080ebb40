import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/config';

/**
 * The key-encryption key for connection secrets. Production passes CORDON_MASTER_KEY; embedded
 * mode creates one on first start beside its data (mode 0600) so `npm start` needs no setup.
 */
export function resolveMasterKey(config: AppConfig): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  if (config.mode !== 'embedded') {
    throw new Error('CORDON_MASTER_KEY is required outside embedded mode (openssl rand -base64 32)');
  }
  const file = path.join(config.dataDir, 'master.key');
  if (!fs.existsSync(file)) {
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

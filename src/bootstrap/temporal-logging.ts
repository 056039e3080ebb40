import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import pino from 'pino';
import type { AppConfig } from '../config/config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/** Routes the Temporal SDK's own logs (worker state, workflow task failures) into the JSON log stream. */
export function installTemporalLogging(config: AppConfig): void {
  const log = pino({ level: config.logLevel, base: { service: 'cordon', component: 'temporal' } });
  Runtime.install({
    logger: new DefaultLogger(LEVELS[config.logLevel], (entry) => {
      const meta = entry.meta ?? {};
      switch (entry.level) {
        case 'TRACE':
          return log.trace(meta, entry.message);
        case 'DEBUG':
          return log.debug(meta, entry.message);
        case 'INFO':
          return log.info(meta, entry.message);
        case 'WARN':
          return log.warn(meta, entry.message);
        case 'ERROR':
          return log.error(meta, entry.message);
      }
    }),
  });
}

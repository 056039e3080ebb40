import { processIo, type CliIo } from './cli-io';
import { KEYS_USAGE, runKeys } from './keys.command';
import { AUDIT_VERIFY_USAGE, runAuditVerify } from './audit-verify.command';
import { runPlaybookValidate, VALIDATE_USAGE } from './playbook-validate.command';

const USAGE = [
  'usage: cordon <command>',
  '',
  'commands:',
  `  ${VALIDATE_USAGE.replace('usage: cordon ', '')}`,
  `  ${KEYS_USAGE.replace(/(usage: )?cordon /g, '')}`,
  `  ${AUDIT_VERIFY_USAGE.replace('usage: cordon ', '')}`,
].join('\n');

/** `npx cordon …` (bin/cordon.js loads this from dist/). Resolves with the exit code. */
export async function runCordonCli(argv: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === undefined || group === '-h' || group === '--help' || group === 'help') {
    (group === undefined ? io.err : io.out)(USAGE);
    return group === undefined ? 2 : 0;
  }
  if (group === 'playbook' && command === 'validate') return runPlaybookValidate(rest, io);
  if (group === 'keys') return runKeys(command, rest, io);
  if (group === 'audit' && command === 'verify') return runAuditVerify(rest, io);
  io.err(`unknown command "${[group, command].filter(Boolean).join(' ')}"`);
  io.err(USAGE);
  return 2;
}

/** Runs the CLI for this process and sets its exit code (stdout is flushed before exit). */
export function main(argv: string[] = process.argv.slice(2), io: CliIo = processIo): void {
  runCordonCli(argv, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      io.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}

if (require.main === module) main();

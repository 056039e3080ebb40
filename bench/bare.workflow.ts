import { proxyActivities } from '@temporalio/workflow';

/** The activities the bare worker registers: nothing but the round trip through Temporal. */
export interface BareActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '10s' });

/** The floor for a 3-action playbook: three activities in sequence, no interpreter, no database. */
export async function bareThreeActions(): Promise<void> {
  await noop();
  await noop();
  await noop();
}

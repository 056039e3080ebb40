import { CAPABILITIES } from '../../../src/integrations/kit/capabilities';
import type { ActionContext, IntegrationAction } from '../../../src/integrations/kit/integration.types';
import { awaitMachineAction, isActive, newest } from '../machine-actions';
import {
  auditComment,
  badInput,
  commentMarker,
  isAlreadyInProgress,
  MdeClient,
  requiredString,
  type MdeMachineAction,
} from '../mde.client';

export interface QuarantineInput {
  host_id: string;
  sha1?: string;
  sha256?: string;
  comment?: string;
}

export interface QuarantineOutput extends Record<string, unknown> {
  host_id: string;
  action_id?: string;
  status: 'pending' | 'succeeded' | 'failed';
  already: boolean;
}

const contract = CAPABILITIES['edr.quarantine_file'];

export const stopAndQuarantineFile: IntegrationAction<QuarantineInput, QuarantineOutput> = {
  name: 'stop_and_quarantine_file',
  description: `${contract.description} Defender keys the file by SHA-1: give sha1.`,
  inputSchema: contract.input,
  outputSchema: contract.output,
  mutating: true,
  /**
   * Stops the file's processes and quarantines it on one machine, then polls the MachineAction.
   * A repeat of the same step (same idempotency key) finds its own earlier action and reports it.
   */
  async run(ctx: ActionContext, input: QuarantineInput): Promise<QuarantineOutput> {
    const hostId = requiredString(input?.host_id, 'host_id');
    const sha1 = typeof input.sha1 === 'string' ? input.sha1.trim().toLowerCase() : '';
    if (!/^[0-9a-f]{40}$/.test(sha1)) {
      throw badInput(
        sha1
          ? 'sha1 must be 40 hexadecimal characters'
          : "Defender's StopAndQuarantineFile needs the file's SHA-1 (sha1); sha256 alone is not enough",
      );
    }
    const mde = new MdeClient(ctx);
    const forFile = async (): Promise<MdeMachineAction[]> =>
      (await mde.machineActions(hostId)).filter(
        (a) =>
          a.type === 'StopAndQuarantineFile' && a.relatedFileInfo?.fileIdentifier?.toLowerCase() === sha1,
      );

    const marker = commentMarker(ctx.idempotencyKey);
    const earlier = newest((await forFile()).filter((a) => a.requestorComment?.includes(marker)));
    if (earlier) return result(hostId, await awaitMachineAction(ctx, mde, earlier), true);

    let action: MdeMachineAction;
    try {
      action = await mde.act(hostId, 'StopAndQuarantineFile', {
        Comment: auditComment(input.comment, ctx.idempotencyKey),
        Sha1: sha1,
      });
    } catch (err) {
      // The same file is already being quarantined on this machine (another step or analyst):
      // Defender refuses the duplicate; report the action under way.
      const running = isAlreadyInProgress(err) ? newest((await forFile()).filter(isActive)) : undefined;
      if (running) return result(hostId, await awaitMachineAction(ctx, mde, running), true);
      throw err;
    }
    return result(hostId, await awaitMachineAction(ctx, mde, action), false);
  },
};

function result(hostId: string, action: MdeMachineAction, already: boolean): QuarantineOutput {
  const status = action.status === 'Succeeded' ? 'succeeded' : isActive(action) ? 'pending' : 'failed';
  return { host_id: hostId, action_id: action.id, status, already };
}

import { Client, Connection } from '@temporalio/client';

/** The header names a workflow was started with, read from its history on the Temporal server. */
export async function startHeaderNames(address: string | null, workflowId: string): Promise<string[]> {
  if (!address) throw new Error('the Cordon process did not say which Temporal it uses');
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    if (!started) throw new Error(`${workflowId}: the first history event is not the start`);
    return Object.keys(started.header?.fields ?? {});
  } finally {
    await connection.close();
  }
}

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BareActivities, bareThreeActions } from './bare.workflow';
import type { RunTimings } from './run-timings';
import { EncryptionCodec } from '../src/temporal/codec/payload-codec';
import { PayloadKeyring } from '../src/temporal/codec/payload-keys';
import { cordonDataConverter } from '../src/temporal/codec/data-converter';

const TASK_QUEUE = 'bench-bare';
const NAMESPACE = 'default';

/**
 * The floor on the same Temporal dev server: a worker in this process whose workflow calls three
 * no-op activities, started `batch` at a time like the alerts. Bundling the worker is not timed.
 * Start and finish are Temporal's own start and close times, as a Cordon run's are its row's.
 */
export async function measureBare(args: { address: string; n: number; batch: number }): Promise<RunTimings> {
  // stdout carries the bench's one JSON line: keep the SDK's INFO logs and webpack stats off it.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const activities: BareActivities = { noop: async () => undefined };
  // Cordon seals every payload; the floor does too (with a throwaway key), so the gap measured is the engine's.
  const dataConverter = cordonDataConverter(new EncryptionCodec(new PayloadKeyring(randomBytes(32))));
  const workerConnection = await NativeConnection.connect({ address: args.address });
  const clientConnection = await Connection.connect({ address: args.address });
  try {
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUE,
      workflowsPath: path.join(__dirname, 'bare.workflow.js'),
      activities,
      dataConverter,
    });
    const client = new Client({ connection: clientConnection, namespace: NAMESPACE, dataConverter });
    const prefix = `bench-bare-${process.pid}-${Date.now()}`;
    const start = (id: string) =>
      client.workflow.start<typeof bareThreeActions>('bareThreeActions', {
        taskQueue: TASK_QUEUE,
        workflowId: `${prefix}-${id}`,
      });
    return await worker.runUntil(async () => {
      await (await start('warmup')).result();
      const firstSentAt = Date.now();
      const handles: WorkflowHandle<typeof bareThreeActions>[] = [];
      for (let i = 0; i < args.n; i += args.batch) {
        const ids = Array.from({ length: Math.min(args.batch, args.n - i) }, (_, j) => String(i + j));
        handles.push(...(await Promise.all(ids.map(start))));
      }
      await Promise.all(handles.map((h) => h.result()));
      const runs = await Promise.all(
        handles.map(async (h) => {
          const d = await h.describe();
          if (!d.closeTime) throw new Error(`bare workflow ${h.workflowId} has no close time`);
          return { startedAt: d.startTime.getTime(), finishedAt: d.closeTime.getTime() };
        }),
      );
      return { firstSentAt, runs };
    });
  } finally {
    await clientConnection.close();
    await workerConnection.close();
  }
}

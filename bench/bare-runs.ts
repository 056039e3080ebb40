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

export interface BareSide {
  /** Starts `count` workflows, `batch` at a time like the alerts, and waits for them all. */
  round(count: number): Promise<RunTimings>;
  stop(): Promise<void>;
}

/**
 * The floor on the same Temporal dev server: a worker in this process whose workflow calls three
 * no-op activities. It runs (idle between rounds) until stopped, as Cordon's worker does while
 * the bare rounds run. Bundling the worker and one warm-up run are not timed. Start and finish
 * are Temporal's own start and close times, as a Cordon run's are its row's.
 */
export async function startBare(args: { address: string; batch: number }): Promise<BareSide> {
  // stdout carries the bench's one JSON line: keep the SDK's INFO logs and webpack stats off it.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const activities: BareActivities = { noop: async () => undefined };
  // Cordon seals every payload; the floor does too (with a throwaway key), so the gap measured is the engine's.
  const dataConverter = cordonDataConverter(new EncryptionCodec(new PayloadKeyring(randomBytes(32))));
  const workerConnection = await NativeConnection.connect({ address: args.address });
  const clientConnection = await Connection.connect({ address: args.address });
  const close = async () => {
    await clientConnection.close();
    await workerConnection.close();
  };
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection: workerConnection,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUE,
      workflowsPath: path.join(__dirname, 'bare.workflow.js'),
      activities,
      dataConverter,
    });
  } catch (err) {
    await close();
    throw err;
  }
  const running = worker.run();
  const client = new Client({ connection: clientConnection, namespace: NAMESPACE, dataConverter });
  const prefix = `bench-bare-${process.pid}-${Date.now()}`;
  let started = 0;
  const start = () =>
    client.workflow.start<typeof bareThreeActions>('bareThreeActions', {
      taskQueue: TASK_QUEUE,
      workflowId: `${prefix}-${started++}`,
    });
  const stop = async () => {
    worker.shutdown();
    await running;
    await close();
  };
  try {
    await (await start()).result();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    async round(count) {
      const firstSentAt = Date.now();
      const handles: WorkflowHandle<typeof bareThreeActions>[] = [];
      for (let i = 0; i < count; i += args.batch) {
        const size = Math.min(args.batch, count - i);
        handles.push(...(await Promise.all(Array.from({ length: size }, start))));
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
    },
    stop,
  };
}

import * as path from 'node:path';
import { projectRoot } from '../config/paths';

/** Where `npm run build` leaves the prebuilt workflow bundle (no webpack at start-up). */
export function workflowBundlePath(): string {
  return path.join(projectRoot(), 'dist', 'workflow-bundle.js');
}

/**
 * Libraries the workflow bundle loads once per worker thread instead of once per workflow: pure
 * code with no per-run state. JSONata's module set-up was ~5 % of the workflow thread's time per
 * run (`peer` bench profile), paid again by every run and every replay.
 */
export const SHARED_WORKFLOW_MODULES = ['jsonata'];

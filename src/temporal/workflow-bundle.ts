import * as path from 'node:path';
import { projectRoot } from '../config/paths';

/** Where `npm run build` leaves the prebuilt workflow bundle (no webpack at start-up). */
export function workflowBundlePath(): string {
  return path.join(projectRoot(), 'dist', 'workflow-bundle.js');
}

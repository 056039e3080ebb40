import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../src/config/paths';

let snapshot: string | undefined;

/**
 * A private copy of the built server (dist/, playbooks/, package.json) that fault specs start
 * and restart processes from. `npm run build` begins by deleting dist/, so a rebuild elsewhere
 * in the tree (or a later step of CI) would otherwise pull the ground out from under a worker
 * this spec restarts mid-test. node_modules is linked, not copied. CORDON_TEST_BUILD names a
 * ready copy to use instead.
 */
export function buildSnapshot(): string {
  if (snapshot) return snapshot;
  // A private build made elsewhere (same layout: dist/, playbooks/, package.json, node_modules).
  if (process.env.CORDON_TEST_BUILD) return (snapshot = path.resolve(process.env.CORDON_TEST_BUILD));
  const root = projectRoot();
  const required = ['dist/src/main.js', 'dist/workflow-bundle.js'];
  for (let attempt = 1; ; attempt++) {
    const missing = required.filter((file) => !fs.existsSync(path.join(root, file)));
    if (missing.length) {
      // The bundle is the build's last step: until it is there, a build may be under way.
      if (attempt >= 30) throw new Error(`${missing.join(', ')} missing: run npm run build first`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
      continue;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-build-'));
    try {
      fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
      fs.cpSync(path.join(root, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
      fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      for (const file of required) {
        if (!fs.existsSync(path.join(dir, file))) throw new Error(`${file} vanished while copying`);
      }
      process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
      return (snapshot = dir);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      // A build started while we copied: its output will be whole again in a minute or two.
      if (attempt >= 30) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
  }
}

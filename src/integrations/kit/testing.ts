import { VendorError } from './vendor-error';

/** Test helper: awaits a promise that must fail with a VendorError, and returns the error. */
export async function caughtVendorError(promise: Promise<unknown>): Promise<VendorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof VendorError) return err;
    throw err;
  }
  throw new Error('expected a VendorError');
}

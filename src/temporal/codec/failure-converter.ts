import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Error messages and stack traces go into the failure's encoded attributes, a payload the codec
 * seals, instead of sitting in clear in Temporal's history: an error can quote a vendor's answer
 * or an alert field. Bundled into the workflow sandbox too, so it imports nothing but the SDK.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

import type { ActionContext } from '../../src/integrations/kit/integration.types';
import { verifyConnection } from './smtp.client';

/** Proves host, port, TLS and credentials: connect, EHLO, STARTTLS, AUTH, QUIT — no message. */
export async function healthCheck(ctx: ActionContext): Promise<void> {
  await verifyConnection(ctx);
}

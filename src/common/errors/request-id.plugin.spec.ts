import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { AppError } from './app-error';
import { formatGraphqlError, MASKED_CODE } from './graphql-error.formatter';
import { requestIdPlugin } from './request-id.plugin';

type Hooks = { willSendResponse(ctx: unknown): Promise<void> };

async function send(errors: Record<string, unknown>[], reqId: unknown): Promise<Record<string, unknown>[]> {
  const listener = (await requestIdPlugin().requestDidStart!({} as never)) as unknown as Hooks;
  const response = { body: { kind: 'single', singleResult: { errors } } };
  await listener.willSendResponse({ response, contextValue: { req: { id: reqId } } });
  return errors;
}

describe('masked errors carry the request id', () => {
  it('masks an unexpected error and stamps it with the request id, nothing else', async () => {
    // The real cause goes to the log (with the request id), never to the client.
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const internal = formatGraphqlError(
      { message: 'relation "secrets" does not exist at 10.0.0.5', path: ['case'] },
      new GraphQLError('boom', { originalError: new Error('relation "secrets" does not exist at 10.0.0.5') }),
    );
    expect(internal).toEqual({
      message: 'Internal server error',
      path: ['case'],
      extensions: { code: MASKED_CODE },
    });
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    const typed = formatGraphqlError({ message: 'x' }, new AppError('NOT_FOUND', 'case 1 not found'));
    const [masked, notFound] = await send([internal as never, typed as never], 'req-123');
    expect(masked.extensions).toEqual({ code: MASKED_CODE, requestId: 'req-123' });
    expect(notFound.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('leaves errors alone when the request has no id (a subscription)', async () => {
    const [e] = await send(
      [{ message: 'Internal server error', extensions: { code: MASKED_CODE } }],
      undefined,
    );
    expect(e.extensions).toEqual({ code: MASKED_CODE });
  });
});

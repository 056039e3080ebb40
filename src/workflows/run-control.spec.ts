import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { failureInfo } from './run-control';

/** What `runAction` throws for a vendor's 404 (see `toFailure` in the action activity). */
const vendor404 = () =>
  ApplicationFailure.create({
    message: 'CrowdStrike: unknown host',
    type: 'NOT_FOUND',
    nonRetryable: true,
    details: [
      { message: 'unknown host', vendor: 'CrowdStrike', status: 404, code: 'NOT_FOUND', retryable: false },
    ],
  });

const expected = {
  message: 'unknown host',
  vendor: 'CrowdStrike',
  status: 404,
  code: 'NOT_FOUND',
  retryable: false,
};

describe('failureInfo', () => {
  it("keeps the vendor's words from a regular activity's failure (wrapped)", () => {
    const wrapped = new ActivityFailure(
      'Activity task failed',
      'runAction',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      undefined,
      vendor404(),
    );
    expect(failureInfo(wrapped)).toEqual(expected);
  });

  it("keeps the same from a local activity's failure (the bare ApplicationFailure)", () => {
    expect(failureInfo(vendor404())).toEqual(expected);
  });

  it('says a failure without details is retryable unless it was thrown as not', () => {
    expect(failureInfo(ApplicationFailure.create({ message: 'boom', type: 'InternalError' }))).toEqual({
      message: 'boom',
      code: 'InternalError',
      retryable: true,
    });
    expect(failureInfo(ApplicationFailure.create({ message: 'no', nonRetryable: true }))).toMatchObject({
      message: 'no',
      retryable: false,
    });
  });
});

import { nextUtcMidnight, RateBudget } from './rate-budget';
import { caughtVendorError } from './testing';
import { VendorError } from './vendor-error';

describe('RateBudget', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = Date.parse('2030-01-01T12:00:00Z')));

  it('allows `limit` requests in any rolling window, then says how long until the oldest ages out', () => {
    const budget = new RateBudget({
      windows: [{ label: '2 per minute', limit: 2, rollingMs: 60_000 }],
      now: clock,
    });
    expect(budget.take()).toBe(0);
    now += 10_000;
    expect(budget.take()).toBe(0);
    now += 5_000;
    expect(budget.take()).toBe(45_000); // refused: nothing counted
    now += 45_000;
    expect(budget.take()).toBe(0);
    expect(budget.take()).toBe(10_000);
  });

  it('resets a fixed window at its boundary', () => {
    const budget = new RateBudget({
      windows: [{ label: '1 per day', limit: 1, resetsAt: nextUtcMidnight }],
      now: clock,
    });
    expect(budget.take()).toBe(0);
    expect(budget.wait()).toEqual({ ms: 12 * 3600_000, label: '1 per day' });
    now = Date.parse('2030-01-02T00:00:00Z');
    expect(budget.take()).toBe(0);
  });

  it('does not limit with a limit of 0, and the strictest window wins', () => {
    expect(new RateBudget({ windows: [{ label: 'off', limit: 0, rollingMs: 60_000 }] }).take()).toBe(0);
    const budget = new RateBudget({
      windows: [
        { label: '5 per minute', limit: 5, rollingMs: 60_000 },
        { label: '1 per day', limit: 1, resetsAt: nextUtcMidnight },
      ],
      now: clock,
    });
    budget.take();
    expect(budget.wait().label).toBe('1 per day');
  });

  it('throws a retryable VendorError with retryAfterMs instead of spending past the budget', async () => {
    const budget = new RateBudget({
      windows: [{ label: '1 per minute', limit: 1, rollingMs: 60_000 }],
      now: clock,
    });
    let calls = 0;
    await budget.guard('Vendor', async () => ++calls);
    const err = await caughtVendorError(budget.guard('Vendor', async () => ++calls));
    expect(err).toMatchObject({
      vendor: 'Vendor',
      code: 'RATE_BUDGET_EXHAUSTED',
      retryable: true,
      retryAfterMs: 60_000,
    });
    expect(err.message).toBe("the connection's Vendor quota is spent (1 per minute); retry in 60 s");
    expect(calls).toBe(1);
  });

  it("holds every call after the vendor's own 429 until the wait it named", async () => {
    const budget = new RateBudget({ windows: [], now: clock });
    const limited = new VendorError({
      vendor: 'Vendor',
      status: 429,
      message: 'slow down',
      retryable: true,
      retryAfterMs: 30_000,
    });
    await expect(budget.guard('Vendor', () => Promise.reject(limited))).rejects.toBe(limited);
    expect(budget.wait()).toEqual({ ms: 30_000, label: 'the vendor asked to wait' });
    now += 30_000;
    expect(budget.take()).toBe(0);
  });
});

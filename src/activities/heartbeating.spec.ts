import { heartbeatInterval, whileHeartbeating } from './heartbeating';

describe('whileHeartbeating', () => {
  it('beats while the work is in flight, repeating its last reported details', async () => {
    const beats: unknown[] = [];
    let beatSeen: () => void = () => undefined;
    const heartbeat = (details?: unknown) => {
      beats.push(details);
      beatSeen();
    };
    const nextBeat = () => new Promise<void>((resolve) => (beatSeen = resolve));
    // The "vendor call" answers only once it has seen beats it did not send itself: without
    // heartbeating it would hang until the test's own timeout.
    const output = await whileHeartbeating(heartbeat, 5, async (report) => {
      await nextBeat();
      report({ removed: 1 });
      await nextBeat();
      await nextBeat();
      return { done: true };
    });
    expect(output).toEqual({ done: true });
    expect(beats[0]).toBeUndefined();
    expect(beats.slice(-2)).toEqual([{ removed: 1 }, { removed: 1 }]);
  });

  it('stops beating when the work fails, and passes the failure on', async () => {
    const beats: unknown[] = [];
    const failure = whileHeartbeating(
      (d) => beats.push(d),
      5,
      () => Promise.reject(new Error('vendor said no')),
    );
    await expect(failure).rejects.toThrow('vendor said no');
    expect(beats).toEqual([]);
  });

  it('beats three times per heartbeatTimeout, at most once a second, and every 10 s without one', () => {
    expect(heartbeatInterval(30_000)).toBe(10_000);
    expect(heartbeatInterval(1_500)).toBe(1_000);
    expect(heartbeatInterval(undefined)).toBe(10_000);
  });
});

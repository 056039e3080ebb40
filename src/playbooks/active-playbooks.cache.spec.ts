import { ActivePlaybooksCache } from './active-playbooks.cache';

describe('ActivePlaybooksCache', () => {
  it('loads once per tenant within the time-to-live, and again after it or an invalidation', async () => {
    let now = 0;
    const cache = new ActivePlaybooksCache<number>(1000, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('b', load)).toBe(2);
    now = 1001;
    expect(await cache.get('a', load)).toBe(3);
    cache.invalidate('a');
    expect(await cache.get('a', load)).toBe(4);
    expect(await cache.get('b', load)).toBe(5);
  });

  it('does not remember a failed load', async () => {
    const cache = new ActivePlaybooksCache<string>(1000, () => 0);
    await expect(cache.get('a', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('a', async () => 'ok')).toBe('ok');
  });
});

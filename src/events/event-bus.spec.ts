import { EventBus } from './event-bus';
import type { AlertModel } from '../alerts/models/alert.model';

const alert = (id: string) => ({ id }) as AlertModel;

describe('EventBus', () => {
  it('delivers a tenant only its own events, in order, and forgets a closed subscriber', async () => {
    const bus = new EventBus();
    const a = bus.subscribe('tenant-a', ['alert.ingested']);
    bus.publish({ type: 'alert.ingested', tenantId: 'tenant-b', alert: alert('b1') });
    bus.publish({ type: 'alert.ingested', tenantId: 'tenant-a', alert: alert('a1') });
    bus.publish({ type: 'alert.ingested', tenantId: 'tenant-a', alert: alert('a2') });
    expect((await a.next()).value?.alert.id).toBe('a1');
    expect((await a.next()).value?.alert.id).toBe('a2');
    expect(bus.subscriberCount()).toBe(1);
    await a.return!();
    expect(bus.subscriberCount()).toBe(0);
    expect((await a.next()).done).toBe(true);
  });

  it('wakes a waiting subscriber when an event arrives', async () => {
    const bus = new EventBus();
    const it = bus.subscribe('t', ['case.updated']);
    const pending = it.next();
    bus.publish({ type: 'case.updated', tenantId: 't', case: { id: 'c1' } as never });
    expect((await pending).value?.case.id).toBe('c1');
  });
});

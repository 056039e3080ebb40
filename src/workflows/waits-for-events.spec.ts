import { waitsForEvents, type PlaybookStep } from './playbook.types';

describe('waitsForEvents', () => {
  const wait = (event?: 'case.updated'): PlaybookStep => ({
    id: 'w',
    wait: event ? { event } : { duration: '1h' },
  });
  const note = { id: 'n', action: 'case.add_comment', with: { text: 'x' } } as PlaybookStep;

  it('finds an event wait at any depth, and only an event wait', () => {
    expect(waitsForEvents([note, wait()])).toBe(false);
    expect(waitsForEvents([note, wait('case.updated')])).toBe(true);
    const branch = (inner: PlaybookStep[]) =>
      ({ id: 'b', if: 'true', then: [note], else: inner }) as PlaybookStep;
    const parallel = (inner: PlaybookStep[]) => ({ id: 'p', parallel: inner }) as PlaybookStep;
    expect(waitsForEvents([branch([parallel([wait('case.updated')])])])).toBe(true);
    expect(waitsForEvents([branch([parallel([wait(), note])])])).toBe(false);
  });
});

import { canTransition, clockFor } from './case-lifecycle';

describe('case lifecycle', () => {
  it('allows the forward path and re-opening', () => {
    expect(canTransition('OPEN', 'CONTAINED')).toBe(true);
    expect(canTransition('CONTAINED', 'RESOLVED')).toBe(true);
    expect(canTransition('RESOLVED', 'CLOSED')).toBe(true);
    expect(canTransition('CLOSED', 'INVESTIGATING')).toBe(true);
  });

  it('refuses skipping to CLOSED or going back to OPEN', () => {
    expect(canTransition('OPEN', 'CLOSED')).toBe(false);
    expect(canTransition('CONTAINED', 'OPEN')).toBe(false);
  });

  it('starts the right clock', () => {
    expect(clockFor('CONTAINED')).toBe('containedAt');
    expect(clockFor('INVESTIGATING')).toBe('acknowledgedAt');
    expect(clockFor('OPEN')).toBeNull();
  });
});

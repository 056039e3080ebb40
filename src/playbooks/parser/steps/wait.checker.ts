import { NESTED_KEYS, WAIT_EVENTS } from '../vocabulary';
import type { StepChecker } from './step-checker';

/** `wait`: a durable pause (`duration`) or until an event about the run's case or alert (`event`). */
export const checkWaitStep: StepChecker = ({ scope, raw }) => {
  const w = scope.mapping(
    ['wait'],
    raw.wait,
    NESTED_KEYS.wait,
    '{ duration: 24h } or { event: case.updated, timeout: 4h }',
  );
  if (!w) return;
  const hasDuration = w.duration !== undefined;
  const hasEvent = w.event !== undefined;
  if (hasDuration === hasEvent) {
    scope.problem(
      ['wait'],
      hasDuration
        ? 'has both duration and event; wait for one: a duration (e.g. 24h) or an event (with optional when and timeout)'
        : 'needs a duration (e.g. { duration: 24h }) or an event (e.g. { event: case.updated, timeout: 4h })',
    );
  }
  // A pause may come from the run (a block's TTL given as an input): then it is a template.
  if (typeof w.duration === 'string' && w.duration.includes('{{'))
    scope.template(['wait', 'duration'], w.duration, 'template');
  else scope.duration(['wait', 'duration'], w.duration);
  scope.choice(['wait', 'event'], w.event, WAIT_EVENTS);
  for (const key of ['when', 'timeout'] as const) {
    if (w[key] !== undefined && !hasEvent)
      scope.problem(
        ['wait', key],
        `only applies when waiting for an event; add event (${WAIT_EVENTS.join(' or ')}) or remove ${key}`,
      );
  }
  scope.expression(['wait', 'when'], w.when, `'status = "RESOLVED"'`);
  scope.duration(['wait', 'timeout'], w.timeout);
};

import { mockServices } from '@backstage/backend-test-utils';

/** An auditor event as {@link recordingAuditor} keeps it. */
export interface RecordedAuditEvent {
  eventId: string;
  severityLevel?: string;
  /** What was done: the event's `meta.queryType`. */
  action: unknown;
  /** The rest of the metadata the event started with. */
  meta: Record<string, unknown>;
  /**
   * How it ended: `'pending'` until it does, `'success'`, or `'fail: '` and
   * the name of the error it failed with.
   */
  outcome: string;
  /** The metadata it succeeded with. */
  succeededWith?: unknown;
}

/**
 * An auditor that keeps each event it is asked to create in `events`, in
 * order; `factory` is the auditor service for startTestBackend.
 */
export function recordingAuditor() {
  const events: RecordedAuditEvent[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, severityLevel, meta }) => {
      const { queryType, ...rest } = meta ?? {};
      const event: RecordedAuditEvent = {
        eventId,
        severityLevel,
        action: queryType,
        meta: rest,
        outcome: 'pending',
      };
      events.push(event);
      return {
        success: async options => {
          event.outcome = 'success';
          event.succeededWith = options?.meta;
        },
        fail: async ({ error }) => {
          event.outcome = `fail: ${error.name}`;
        },
      };
    },
  });
  return { factory: auditor.factory, events };
}

/**
 * Expects `events` to be one event at least, each the auditor event
 * `eventId` of `severityLevel`.
 */
export function expectEachEvent(
  events: RecordedAuditEvent[],
  expected: { eventId: string; severityLevel: string },
) {
  expect(events.length).toBeGreaterThan(0);
  expect(
    events.map(({ eventId, severityLevel }) => ({ eventId, severityLevel })),
  ).toEqual(events.map(() => expected));
}

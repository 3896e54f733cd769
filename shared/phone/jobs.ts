import * as z from 'zod';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/);

/** A dispatch job on the queue: one call or text to place. The body of every SQS message. */
export const dispatchJobSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('checkInAttempt'),
    checkInId: id,
    n: z.number().int().min(1).max(40),
    /** staff asked for it ("check in now"): the priority lane, ahead of any backlog */
    priority: z.literal(true).optional(),
  }),
  z.strictObject({ kind: z.literal('caseStep'), caseId: id, n: z.number().int().min(0).max(200) }),
  z.strictObject({
    kind: z.literal('text'),
    /** once-only key: the same text is never sent twice */
    key: z.string().min(1).max(200),
    to: z.string().regex(/^\+\d{6,15}$/),
    text: z.string().min(1).max(500),
    purpose: z.enum([
      'help',
      'optOutConfirm',
      'optOutNotice',
      'ackConfirm',
      'caseClosed',
      // home visits (issue 4): the morning digests, and the answer to a contact's `<code> <1|2|3>`
      'digest',
      'visitConfirm',
      'visitRefused',
    ]),
    elderId: id.optional(),
  }),
]);

export type DispatchJob = z.output<typeof dispatchJobSchema>;

/** Where the planner and the engine put jobs: SQS on AWS, an in-process queue locally. */
export interface JobQueue {
  send(jobs: DispatchJob[], delaySeconds?: number): Promise<void>;
}

/**
 * Escalation steps, one-off texts and check-ins staff asked for by hand go on their own queue, so a
 * needs-help text or a "check in now" never waits behind check-in calls queued for a free line.
 */
export function isUrgent(job: DispatchJob): boolean {
  return job.kind !== 'checkInAttempt' || job.priority === true;
}

/** One JobQueue in front of two: check-in attempts on the first, everything urgent on the second. */
export function routedQueue(checkIns: JobQueue, urgent: JobQueue): JobQueue {
  return {
    async send(jobs, delaySeconds) {
      const fast = jobs.filter(isUrgent);
      const slow = jobs.filter((j) => !isUrgent(j));
      if (fast.length > 0) await urgent.send(fast, delaySeconds);
      if (slow.length > 0) await checkIns.send(slow, delaySeconds);
    },
  };
}

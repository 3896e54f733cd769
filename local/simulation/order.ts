import type { DispatchJob, JobQueue } from '../../shared/phone/jobs.js';
import type { Db } from '../../shared/store/client.js';
import { getCase, getCheckIn } from '../../shared/store/phone.js';
import type { Timeline } from '../phone/timeline.js';

type Rank = (string | number)[];

const compare = (a: Rank, b: Rank): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
};

/**
 * Hands the jobs sent at one virtual instant on in the scenario's order of elders. The planner meets
 * due items in the order of the engine's random ids, and with the provider's pacing (one call a second)
 * that order decides who is called first and how many calls overlap; fixed here, the same scenario
 * and seed give the same run to the second. Delayed jobs (a pacing deferral) pass straight through.
 */
export class ScenarioOrderQueue implements JobQueue {
  private pending: DispatchJob[] = [];

  constructor(
    private readonly inner: JobQueue,
    private readonly timeline: Timeline,
    private readonly db: Db,
    /** system elder id → its place in the scenario */
    private readonly placeOf: (elderId: string) => number,
  ) {}

  async send(jobs: DispatchJob[], delaySeconds = 0): Promise<void> {
    if (delaySeconds > 0) return this.inner.send(jobs, delaySeconds);
    // flushed after the work now running (the planner's run, a call event), at the same instant
    if (this.pending.length === 0) this.timeline.at(this.timeline.now(), () => this.flush());
    this.pending.push(...jobs);
  }

  private async flush(): Promise<void> {
    const jobs = this.pending;
    this.pending = [];
    const ranked = await Promise.all(
      jobs.map(async (job, i) => ({ job, rank: [...(await this.rank(job)), i] })),
    );
    ranked.sort((a, b) => compare(a.rank, b.rank));
    await this.inner.send(ranked.map((r) => r.job));
  }

  /** Elder's place in the scenario, then what the job is; the send order only breaks the last ties. */
  private async rank(job: DispatchJob): Promise<Rank> {
    const last = Number.MAX_SAFE_INTEGER;
    if (job.kind === 'checkInAttempt') {
      const checkIn = await getCheckIn(this.db, job.checkInId);
      return [checkIn ? this.placeOf(checkIn.elderId) : last, 0, job.n];
    }
    if (job.kind === 'caseStep') {
      const c = await getCase(this.db, job.caseId);
      return [c ? this.placeOf(c.elderId) : last, 1, job.n];
    }
    return [job.elderId ? this.placeOf(job.elderId) : last, 2, job.purpose, job.to];
  }
}

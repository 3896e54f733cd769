/**
 * Time for the local phone network: a virtual timeline (the simulation: a week in seconds) or the
 * real clock (npm start). Work is scheduled at an instant; the virtual timeline runs it in order.
 */
export interface Timeline {
  now(): Date;
  /** runs `work` at (or soon after) `at` */
  at(at: Date, work: () => Promise<void> | void): void;
  /** waits `ms` (the pacer's wait): virtual time moves on at once */
  sleep(ms: number): Promise<void>;
}

interface Entry {
  at: number;
  seq: number;
  work: () => Promise<void> | void;
}

/** A discrete-event timeline: jumps from one scheduled instant to the next. */
export class VirtualTimeline implements Timeline {
  private t: number;
  private seq = 0;
  private readonly queue: Entry[] = [];
  /** errors thrown by scheduled work, kept for the caller to report */
  readonly errors: Error[] = [];

  constructor(start: Date) {
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  at(at: Date, work: () => Promise<void> | void): void {
    this.queue.push({ at: Math.max(at.getTime(), this.t), seq: this.seq++, work });
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** the world goes on while one part waits: everything due during the wait runs first */
  async sleep(ms: number): Promise<void> {
    await this.runUntil(new Date(this.t + Math.max(0, ms)));
  }

  /** The next scheduled instant, if any. */
  peek(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Runs everything scheduled up to `until`, in time order; returns how many ran. */
  async runUntil(until: Date): Promise<number> {
    let ran = 0;
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > until.getTime()) break;
      this.queue.shift();
      if (next.at > this.t) this.t = next.at;
      try {
        await next.work();
      } catch (error) {
        this.errors.push(error as Error);
      }
      ran++;
    }
    if (until.getTime() > this.t) this.t = until.getTime();
    return ran;
  }
}

/** The real clock, optionally shifted (ANXIN_CLOCK_START: a demo can start inside a calling window). */
export class RealTimeline implements Timeline {
  private readonly offset: number;
  readonly errors: Error[] = [];
  constructor(start?: Date) {
    this.offset = start ? start.getTime() - Date.now() : 0;
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  at(at: Date, work: () => Promise<void> | void): void {
    const delay = Math.max(0, at.getTime() - this.now().getTime());
    const timer = setTimeout(
      () => {
        Promise.resolve()
          .then(work)
          .catch((error: Error) => this.errors.push(error));
      },
      Math.min(delay, 2_147_000_000),
    );
    timer.unref();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}

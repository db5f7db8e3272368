// A running job's live events (an llm's streamed chunks), held in this process while the job runs:
// the runner posts them as it produces them, and a client's stream reads them at once. They are
// a view of the run, never its record: the job's result (one completion, stored once, billed once)
// repeats them in full, so a reader that missed some (another process, a full log) takes the rest
// from the result at the end.

/** One attempt's events, in the order produced. */
export interface LiveLog {
  attempt: number;
  events: unknown[];
}

export interface LiveEvents {
  /**
   * Adds events `from` index on of an attempt, skipping those already held (a retried post); a
   * later attempt starts a new log. Returns how many events the attempt's log holds.
   */
  append(jobId: string, attempt: number, from: number, events: readonly unknown[]): number;
  read(jobId: string): LiveLog | undefined;
  /** Forgets a job (it ended: its result holds every event). */
  drop(jobId: string): void;
}

/** Bounds: a log past `maxEvents` stops growing, and past `maxJobs` logs the oldest is dropped. */
export function createLiveEvents(o: { maxJobs?: number; maxEvents?: number } = {}): LiveEvents {
  const maxJobs = o.maxJobs ?? 1_000;
  const maxEvents = o.maxEvents ?? 100_000;
  const logs = new Map<string, LiveLog>();
  return {
    append(jobId, attempt, from, events) {
      let log = logs.get(jobId);
      if (log && log.attempt > attempt) return 0;
      if (!log || log.attempt < attempt) {
        // Events the log never saw the start of cannot be placed: the result will carry them.
        if (from !== 0) return 0;
        log = { attempt, events: [] };
        logs.delete(jobId);
        logs.set(jobId, log);
        if (logs.size > maxJobs) logs.delete(logs.keys().next().value as string);
      }
      if (from > log.events.length) return log.events.length;
      const fresh = events.slice(log.events.length - from);
      const room = Math.max(0, maxEvents - log.events.length);
      log.events.push(...fresh.slice(0, room));
      return log.events.length;
    },
    read(jobId) {
      return logs.get(jobId);
    },
    drop(jobId) {
      logs.delete(jobId);
    },
  };
}

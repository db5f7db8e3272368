// A job's live events on their way to the edge: in order, one request at a time, and the events
// produced while a request is out go together in the next one, so a slow edge costs batching, not
// a queue of requests. A failed request is tried again with the next event (the edge skips what it
// already holds); events that never get through are still in the job's result.

export interface EventSender {
  push(event: unknown): void;
  /** Resolves once every pushed event was sent (or sending gave up). */
  drain(): Promise<void>;
}

/**
 * `send(from, events)` posts a batch starting at index `from`; `fatal(err)` says whether a failure
 * ends the sending for good (the job's lease is gone), in which case `onFatal` runs once.
 */
export function createEventSender(o: {
  send(from: number, events: unknown[]): Promise<unknown>;
  fatal(err: unknown): boolean;
  onFatal(err: unknown): void;
}): EventSender {
  let pending: unknown[] = [];
  let sent = 0;
  let flight: Promise<void> | undefined;
  let stopped = false;
  let failures = 0;

  function kick(): void {
    if (flight || stopped || pending.length === 0) return;
    const batch = pending;
    pending = [];
    flight = o
      .send(sent, batch)
      .then(
        () => {
          sent += batch.length;
          failures = 0;
        },
        (err: unknown) => {
          if (o.fatal(err)) {
            stopped = true;
            o.onFatal(err);
            return;
          }
          // Kept for the next try, ahead of what came since.
          pending = [...batch, ...pending];
          failures++;
        },
      )
      .finally(() => {
        flight = undefined;
        // A failing edge is tried again on the next event, not in a loop.
        if (failures === 0) kick();
      });
  }

  return {
    push(event) {
      pending.push(event);
      if (failures > 0 && !flight) failures = 0;
      kick();
    },
    async drain() {
      // One more try for what a failure left behind, then give up: the result carries it all.
      for (let tries = 0; tries < 2 && !stopped; tries++) {
        while (flight) await flight;
        if (pending.length === 0) return;
        failures = 0;
        kick();
      }
      while (flight) await flight;
    },
  };
}

// go-livepeer's streamed LLM answer as server-sent events: `data: <LLMResponse>` per event, one per
// piece of text generated (`choices[0].delta`, `finish_reason` null), then a last one with an empty
// delta, the finish_reason and the usage. A failure mid-stream is one last `data: {"error":…}`.

interface LlmData {
  deltas?: unknown;
  usage?: unknown;
  choices: {
    message?: { role?: string; content?: string };
    delta?: unknown;
    finish_reason?: string | null;
  }[];
  [k: string]: unknown;
}

export const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" } as const;

export function sseEvent(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** A failure after the stream began, in go-livepeer's error body. */
export function sseError(message: string): string {
  return sseEvent({ error: { message } });
}

/** Whether the answer carries its pieces (the runner's per-step text) for one choice. */
function pieces(data: LlmData): string[] | undefined {
  const { deltas, choices } = data;
  return Array.isArray(deltas) && deltas.every((d) => typeof d === "string") && choices.length === 1
    ? (deltas as string[])
    : undefined;
}

/** The events of the pieces from index `from` on (those a live stream has not sent yet). */
export function llmPieceEvents(data: unknown, from: number): string {
  const d = data as LlmData;
  const { deltas: _d, choices, usage: _u, ...head } = d;
  const role = choices[0]?.message?.role ?? "assistant";
  return (pieces(d) ?? [])
    .slice(from)
    .map((content) =>
      sseEvent({ ...head, choices: [{ index: 0, delta: { role, content }, finish_reason: null }] }),
    )
    .join("");
}

/** The last event: empty delta, finish_reason and usage; an answer without pieces, its one chunk. */
export function llmFinalEvent(data: unknown): string {
  const d = data as LlmData;
  const { deltas: _d, choices, ...rest } = d;
  if (pieces(d)) {
    const { usage, ...head } = rest;
    const first = choices[0]!;
    return sseEvent({
      ...head,
      ...(usage === undefined ? {} : { usage }),
      choices: [
        {
          index: 0,
          delta: { role: first.message?.role ?? "assistant", content: "" },
          finish_reason: first.finish_reason ?? "stop",
        },
      ],
    });
  }
  return sseEvent({
    ...rest,
    choices: choices.map((c, i) => ({
      index: i,
      delta: c.delta ?? c.message,
      finish_reason: c.finish_reason ?? "stop",
    })),
  });
}

/** A finished answer's whole stream (what a reader that saw no live event sends). */
export function llmEvents(data: unknown): string {
  return llmPieceEvents(data, 0) + llmFinalEvent(data);
}

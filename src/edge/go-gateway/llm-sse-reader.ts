// go-livepeer's streamed LLM answer (`data: <LLMResponse>` events, pieces with finish_reason null,
// then the last with finish_reason and usage, or `data: {"error":…}`) read as its bytes arrive:
// each piece is handed on at once, and the whole answer is put back together at the end in the
// non-streamed LLMResponse shape, with the pieces as `deltas`.

interface Chunk {
  choices?: { delta?: { role?: string; content?: string }; finish_reason?: string | null }[];
  usage?: unknown;
  error?: { message?: string };
  [k: string]: unknown;
}

export interface LlmSseReader {
  /** Feeds body bytes in arrival order. */
  push(bytes: Uint8Array): void;
  /** The answer once the body ended; throws the stream's error event, or when it had no last event. */
  finish(): Record<string, unknown>;
}

export function llmSseReader(onPiece: (chunk: unknown) => void): LlmSseReader {
  const decoder = new TextDecoder();
  let buffer = "";
  const pieces: string[] = [];
  let last: Chunk | undefined;
  let error: string | undefined;
  const take = (event: string) => {
    const data = event
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    if (data === "" || data === "[DONE]") return;
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      error = "the LLM stream carries an event that is not JSON";
      return;
    }
    if (chunk.error) {
      error = chunk.error.message ?? "the LLM stream failed";
      return;
    }
    const choice = chunk.choices?.[0];
    if (choice && (choice.finish_reason === null || choice.finish_reason === undefined)) {
      pieces.push(choice.delta?.content ?? "");
      onPiece(chunk);
    } else last = chunk;
  };
  return {
    push(bytes) {
      buffer += decoder.decode(bytes, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        take(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    },
    finish() {
      if (buffer.trim() !== "") take(buffer);
      buffer = "";
      if (error !== undefined) throw new Error(error);
      const choice = last?.choices?.[0];
      if (!last || !choice) throw new Error("the LLM stream ended without its last event");
      const { choices: _c, usage, ...head } = last;
      return {
        ...head,
        ...(usage === undefined ? {} : { usage }),
        choices: [
          {
            index: 0,
            // An answer sent as one chunk carries its whole text in that chunk.
            message: {
              role: choice.delta?.role ?? "assistant",
              content: pieces.length > 0 ? pieces.join("") : (choice.delta?.content ?? ""),
            },
            finish_reason: choice.finish_reason,
          },
        ],
        ...(pieces.length > 0 ? { deltas: pieces } : {}),
      };
    },
  };
}

/**
 * What the train suite (`train.ts`) and its independent replicas (`solo.ts`) say to each other on the replicas'
 * standard output: lines that start with {@linkcode SOLO_PREFIX}, `ready` and then one {@linkcode SoloTurn} (JSON) a
 * turn; and the line reader both ends (and the tests) read them with.
 *
 * @module
 */

/** The prefix of the protocol's lines; any other line a replica prints is skipped. */
export const SOLO_PREFIX = "@solo ";

/** One timed turn of a replica: the steps that ended inside the turn's seconds, and their total milliseconds. */
export interface SoloTurn {
  steps: number;
  ms: number;
}

/** Lines of a stream, one at a time: `next` resolves the next line (without its newline), or null once it has ended. */
export interface LineReader {
  next(): Promise<string | null>;
  cancel(): Promise<void>;
}

/** A {@linkcode LineReader} over `stream` (UTF-8); each `next` must wait for the one before. */
export function lineReader(stream: ReadableStream<Uint8Array<ArrayBuffer>>): LineReader {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  return {
    async next() {
      for (;;) {
        const at = buffered.indexOf("\n");
        if (at >= 0) {
          const line = buffered.slice(0, at);
          buffered = buffered.slice(at + 1);
          return line;
        }
        const r = await reader.read();
        if (r.done) return null;
        buffered += r.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

/**
 * What the train suite (`train.ts`) and the processes that train in turns with its figures say to each other on those
 * processes' standard output: the independent replicas of the scaling ceiling (`solo.ts`) and PyTorch
 * (`torch_cnn.py turns`). Such a process prints lines that start with {@linkcode TURN_PREFIX}: `ready` once warm, then
 * for each line it reads on stdin one {@linkcode Turn} (JSON); it exits when stdin closes. Also the line reader
 * `train.ts`, `solo.ts` and the tests read lines with.
 *
 * @module
 */

/** The prefix of the protocol's lines; any other line such a process prints is skipped. */
export const TURN_PREFIX = "@turn ";

/** One timed turn: the steps that ended inside the turn's seconds, and their total milliseconds. */
export interface Turn {
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

/**
 * Parsing of the competition's numeric CSV files into typed arrays, with
 * errors that name the file, line and column and say what was expected.
 *
 * The pixel matrices (up to 50,000 x 784 cells) are read by a byte-level
 * scanner: the general-purpose CSV parsers measured in `deno task bench`
 * build a string per cell and are too slow for the project's load-time
 * target. The `Id,Category` files have their own strict reader
 * (`loadLabelsCsv` in `load.ts`).
 *
 * @module
 */

/** A problem in an input file, located precisely. */
export class DataFormatError extends Error {
  /** The file that failed. */
  readonly file: string;
  /** 1-based line, or 0 for file-level problems. */
  readonly line: number;
  /** 1-based CSV column (field), or 0 for line-level problems. */
  readonly column: number;

  constructor(file: string, line: number, column: number, problem: string) {
    const where = line > 0 ? `:${line}${column > 0 ? `:${column}` : ""}` : "";
    const loc = line > 0 ? ` (line ${line}${column > 0 ? `, column ${column}` : ""})` : "";
    super(`${file}${where}: ${problem}${loc}`);
    this.name = "DataFormatError";
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** What the matrix parser expects of each row. */
export interface MatrixSpec {
  /** File name used in error messages. */
  file: string;
  /** Number of pixel columns per row (784). */
  pixelColumns: number;
  /** Whether a label column follows the pixels. */
  hasLabels: boolean;
  /** Number of classes labels must fall in (10). */
  numClasses?: number;
  /**
   * Where pixel column `c` is stored in the output row (default: identity).
   * The loaders pass the column-major to row-major permutation here.
   */
  permutation?: ArrayLike<number>;
}

/** The parsed matrix. */
export interface ParsedMatrix {
  rows: number;
  pixels: Float32Array;
  labels: Uint8Array | null;
}

const COMMA = 44, LF = 10, CR = 13, SPACE = 32, TAB = 9, DOT = 46, MINUS = 45, PLUS = 43;
const POW10 = Array.from({ length: 40 }, (_, i) => 10 ** i);

/**
 * A streaming parser for headerless numeric CSV of pixels (and optionally a
 * label per row). Feed it whole lines with {@linkcode MatrixParser.push} and
 * call {@linkcode MatrixParser.finish}. Accepts `\n` or `\r\n`, a UTF-8
 * byte-order mark at the start of the file, spaces around cells, labels written as `5` or `5.0`, and decimal or exponent
 * notation.
 *
 * Errors are {@linkcode DataFormatError}s: an empty file, a wrong number of
 * columns, a cell that is not a number, a pixel outside [0, 1], a label that
 * is not an integer in 0..numClasses-1.
 */
export class MatrixParser {
  readonly #spec: MatrixSpec;
  readonly #columns: number;
  #pixels: Float32Array;
  #labels: Uint8Array | null;
  #rows = 0;
  #line = 0;
  #started = false;

  /** `maxRows` bounds the rows this parser may receive (memory is reserved, not touched). */
  constructor(spec: MatrixSpec, maxRows: number) {
    this.#spec = spec;
    this.#columns = spec.pixelColumns + (spec.hasLabels ? 1 : 0);
    this.#pixels = new Float32Array(Math.max(1, maxRows) * spec.pixelColumns);
    this.#labels = spec.hasLabels ? new Uint8Array(Math.max(1, maxRows)) : null;
  }

  /** Rows parsed so far. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Parses `bytes`, which must end at a line boundary (or be the end of the
   * file: then `last` is true and a final line without newline is accepted).
   */
  push(bytes: Uint8Array, last = false): void {
    const { file, pixelColumns } = this.#spec;
    const numClasses = this.#spec.numClasses ?? 10;
    const columns = this.#columns;
    const perm = this.#spec.permutation;
    const pixels = this.#pixels, labels = this.#labels;
    const n = bytes.length;
    let i = 0, line = this.#line, rows = this.#rows;
    // A UTF-8 byte-order mark (as some editors and Excel save CSV) is accepted and skipped.
    if (line === 0 && !this.#started && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
    if (n > 0) this.#started = true;

    const cellText = (start: number): string => {
      let end = start;
      while (end < n && bytes[end] !== COMMA && bytes[end] !== LF && bytes[end] !== CR) end++;
      return new TextDecoder().decode(bytes.subarray(start, Math.min(end, start + 40)));
    };

    while (i < n) {
      line++;
      // Skip blank lines (e.g. a trailing newline).
      let j = i;
      while (j < n && (bytes[j] === SPACE || bytes[j] === TAB || bytes[j] === CR)) j++;
      if (j >= n) break;
      if (bytes[j] === LF) {
        i = j + 1;
        continue;
      }
      if ((rows + 1) * pixelColumns > pixels.length) {
        throw new DataFormatError(file, line, 0, "more rows than the file size allows (internal bound)");
      }
      const rowBase = rows * pixelColumns;
      let col = 0;
      for (;;) {
        while (i < n && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
        const start = i;
        if (col >= columns) {
          throw new DataFormatError(file, line, col + 1, `too many columns: expected ${columns}`);
        }
        let neg = false;
        if (bytes[i] === MINUS || bytes[i] === PLUS) neg = bytes[i++] === MINUS;
        let mant = 0, digits = 0, fracDigits = 0;
        while (i < n) {
          const d = bytes[i] - 48;
          if (d < 0 || d > 9) break;
          mant = mant * 10 + d;
          digits++;
          i++;
        }
        if (bytes[i] === DOT) {
          i++;
          while (i < n) {
            const d = bytes[i] - 48;
            if (d < 0 || d > 9) break;
            if (fracDigits < 17) {
              mant = mant * 10 + d;
              fracDigits++;
            }
            digits++;
            i++;
          }
        }
        let value = digits > 0 ? mant / POW10[fracDigits] : NaN;
        if (digits > 0 && (bytes[i] === 101 || bytes[i] === 69)) { // e / E
          let k = i + 1;
          let eneg = false;
          if (bytes[k] === MINUS || bytes[k] === PLUS) eneg = bytes[k++] === MINUS;
          let exp = 0, expDigits = 0;
          while (k < n && bytes[k] >= 48 && bytes[k] <= 57) {
            exp = exp * 10 + bytes[k] - 48;
            expDigits++;
            k++;
          }
          if (expDigits === 0) value = NaN;
          else value *= 10 ** (eneg ? -exp : exp);
          i = k;
        }
        if (neg) value = -value;
        while (i < n && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
        const next = i < n ? bytes[i] : LF;
        if (next !== COMMA && next !== LF && next !== CR) value = NaN;
        if (value !== value) { // NaN
          const text = cellText(start);
          const problem = start >= n && last
            ? `the file ends in the middle of a row, expected ${columns} columns - the file looks truncated`
            : text.trim() === ""
            ? "empty cell, expected a number"
            : `expected a number, found "${text}"`;
          throw new DataFormatError(file, line, col + 1, problem);
        }
        if (col < pixelColumns) {
          if (!(value >= 0 && value <= 1)) {
            throw new DataFormatError(file, line, col + 1, `pixel value ${value} outside [0, 1]`);
          }
          pixels[rowBase + (perm ? perm[col] : col)] = value;
        } else {
          if (!Number.isInteger(value) || value < 0 || value >= numClasses) {
            throw new DataFormatError(
              file,
              line,
              col + 1,
              `label ${cellText(start)} is not an integer class 0-${numClasses - 1}`,
            );
          }
          labels![rows] = value;
        }
        col++;
        if (next === COMMA) {
          i++;
          continue;
        }
        if (next === CR) i++;
        if (i < n && bytes[i] === LF) i++;
        break;
      }
      if (col !== columns) {
        const truncated = last && i >= n && col < columns;
        throw new DataFormatError(
          file,
          line,
          0,
          `expected ${columns} columns${
            this.#spec.hasLabels ? ` (${pixelColumns} pixels and a label)` : " of pixels"
          }, found ${col}` +
            (truncated ? " - the file looks truncated" : ""),
        );
      }
      rows++;
    }
    this.#rows = rows;
    this.#line = line;
  }

  /** Ends parsing and returns the matrix (views sized to the rows parsed). */
  finish(): ParsedMatrix {
    const rows = this.#rows;
    if (rows === 0) {
      throw new DataFormatError(
        this.#spec.file,
        0,
        0,
        `empty file: expected rows of ${this.#columns} comma-separated numbers`,
      );
    }
    return {
      rows,
      pixels: this.#pixels.subarray(0, rows * this.#spec.pixelColumns),
      labels: this.#labels ? this.#labels.subarray(0, rows) : null,
    };
  }
}

/** Upper bound on the rows a file of `size` bytes can hold (each cell takes at least 2 bytes). */
export function maxRowsFor(size: number, columns: number): number {
  return Math.floor(size / (2 * columns)) + 1;
}

/** Parses a whole in-memory CSV matrix (see {@linkcode MatrixParser}). */
export function parseMatrix(bytes: Uint8Array, spec: MatrixSpec): ParsedMatrix {
  const parser = new MatrixParser(spec, maxRowsFor(bytes.length, spec.pixelColumns + (spec.hasLabels ? 1 : 0)));
  parser.push(bytes, true);
  return parser.finish();
}

/**
 * Parses a CSV matrix file by streaming it in chunks, so the raw text is
 * never held in memory whole.
 */
export async function parseMatrixFile(path: string, spec: MatrixSpec, chunkSize = 4 << 20): Promise<ParsedMatrix> {
  const file = await Deno.open(path);
  try {
    const size = (await file.stat()).size;
    const parser = new MatrixParser(spec, maxRowsFor(size, spec.pixelColumns + (spec.hasLabels ? 1 : 0)));
    let buf = new Uint8Array(chunkSize);
    let filled = 0;
    for (;;) {
      if (filled === buf.length) { // a single line longer than the buffer
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      const got = await file.read(buf.subarray(filled));
      if (got === null) break;
      filled += got;
      const lastLf = buf.lastIndexOf(LF, filled - 1);
      if (lastLf < 0) continue;
      parser.push(buf.subarray(0, lastLf + 1));
      buf.copyWithin(0, lastLf + 1, filled);
      filled -= lastLf + 1;
    }
    parser.push(buf.subarray(0, filled), true);
    return parser.finish();
  } finally {
    file.close();
  }
}

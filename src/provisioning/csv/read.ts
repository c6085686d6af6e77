// Reading a CSV file as a stream of records, whatever spreadsheet wrote it: UTF-8 with or without a BOM,
// `,` or `;` between fields (Excel writes `;` where the decimal separator is a comma), quoted fields holding
// delimiters, quotes and line breaks. Only one record, and the parser's buffer, is in memory at a time.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, CsvError } from 'csv-parse';
import { AdminError } from '../../directory/errors.ts';

/** One data row: `row` counts data rows from 1 (the header is not one), `line` is the line it ends on. */
export interface CsvRecord {
  row: number;
  line: number;
  values: string[];
}

export interface CsvFile {
  header: string[];
  delimiter: ',' | ';';
  /** The data rows, once: read them to the end (or stop early) before reading another file. */
  records: AsyncIterable<CsvRecord>;
}

/** The most data rows a file may hold: a company of the largest size the directory is built for. */
export const MAX_ROWS = 1_000_000;
/** The longest record: a row of a spreadsheet, not a file pasted into a cell. */
const MAX_RECORD_BYTES = 1 << 20;
/** How much of the file may come before the header's line break. */
const MAX_HEADER_CHARS = 64 * 1024;

const countLines = (text: string) => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** The input as text: bytes decoded as UTF-8 (a BOM dropped), anything else refused with the line it is on. */
export async function* decodeUtf8(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lines = 1;
  let first = true;
  for await (const chunk of input) {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      throw new AdminError('invalid', `The file is not UTF-8 text (line ${lines} holds bytes UTF-8 cannot hold); save it as "CSV UTF-8" and upload it again`);
    }
    if (first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    lines += countLines(text);
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new AdminError('invalid', `The file is not UTF-8 text (it ends inside a character on line ${lines}); save it as "CSV UTF-8" and upload it again`);
  }
}

/** `;` when the header line holds more of them than commas, outside quotes; else `,`. */
function detectDelimiter(headerLine: string): ',' | ';' {
  let quoted = false;
  let commas = 0;
  let semicolons = 0;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Text until the first line break is in hand (or the text ends), and an iterator over all the text. */
async function peekFirstLine(text: AsyncIterable<string>): Promise<{ line: string; all: AsyncIterable<string> }> {
  const it = text[Symbol.asyncIterator]();
  let head = '';
  let ended = false;
  while (!head.includes('\n') && head.length <= MAX_HEADER_CHARS) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    head += next.value;
  }
  const all = async function* () {
    if (head) yield head;
    if (ended) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  };
  const end = head.indexOf('\n');
  return { line: end < 0 ? head : head.slice(0, end), all: all() };
}

/** A parser error as an admin reads it. Rows a stream errors after are dropped unread, so the position
 *  comes from the parser: the records it completed (the header is one) and the line it stopped on. */
function fileError(e: unknown): unknown {
  if (!(e instanceof CsvError)) return e;
  const { records, lines } = e as unknown as { records: number; lines: number };
  const row = `data row ${Math.max(1, records)}`;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') return new AdminError('invalid', `The file has a quote that is never closed: ${row} opens a quoted field that runs to the end of the file (line ${lines})`);
  if (e.code === 'CSV_MAX_RECORD_SIZE') return new AdminError('invalid', `${row} (near line ${lines}) is longer than ${MAX_RECORD_BYTES} characters; is a quote left open?`);
  return new AdminError('invalid', `The file cannot be read as CSV at line ${lines}: ${e.message}`);
}

/** Opens a CSV file: its header is read before this resolves; the records follow through `records`. */
export async function openCsv(input: AsyncIterable<Uint8Array | string>): Promise<CsvFile> {
  const { line, all } = await peekFirstLine(decodeUtf8(input));
  const delimiter = detectDelimiter(line);
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // Excel writes a row it considers empty as a line of delimiters.
    skip_records_with_empty_values: true,
    max_record_size: MAX_RECORD_BYTES,
    info: true,
  });
  // Errors of the source (not UTF-8) reach the parser and so the reader; one the reader caused by stopping
  // early is nobody's concern.
  const feeding = pipeline(Readable.from(all, { objectMode: false }), parser).catch(() => {});
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  const next = async () => {
    try {
      return await it.next();
    } catch (e) {
      throw fileError(e);
    }
  };
  const first = await next();
  if (first.done) throw new AdminError('invalid', 'The file is empty: it needs a header line naming its columns (email, firstName, …)');
  const header = first.value.record;
  const records = async function* (): AsyncGenerator<CsvRecord> {
    try {
      let row = 0;
      for (let r = await next(); !r.done; r = await next()) {
        if (++row > MAX_ROWS) throw new AdminError('invalid', `The file holds more than ${MAX_ROWS} rows; split it into several files`);
        yield { row, line: r.value.info.lines, values: r.value.record };
      }
    } finally {
      parser.destroy();
      await feeding;
    }
  };
  return { header, delimiter, records: records() };
}

/**
 * A small RFC 4180 reader and writer. exceljs's CSV reader (fast-csv) was not used: it wants a stream
 * or a file, guesses numbers and dates on its own (an 18-digit ID number would lose its last digits),
 * and cannot be handed text already decoded from GB18030. Here every field stays text.
 */

export type Delimiter = ',' | '\t' | ';';

/**
 * Splits CSV text into records of fields. Quoted fields may hold delimiters, quotes ("") and line
 * breaks; CRLF, LF and a lone CR all end a record. An empty line is an empty record ([''] ), so that
 * record numbers match the rows a person sees when Excel opens the file.
 * Malformed input never throws: a stray quote inside an unquoted field is kept as text, and text after
 * a closing quote is appended to the field.
 * @example [...csvRecords('a,"b,c"\r\n"say ""hi"""')] // [['a', 'b,c'], ['say "hi"']]
 */
export function* csvRecords(text: string, delimiter: Delimiter = ','): Generator<string[]> {
  let record: string[] = [];
  let field = '';
  let quoted = false;
  // true once anything of the current record has been read: a final record without a line break counts
  let pending = false;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      // copy a run of ordinary characters at once: far faster than one at a time on big files
      const next = text.indexOf('"', i);
      const end = next === -1 ? length : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    // a quote opens a quoted field only at its start; elsewhere it is kept as text
    if (ch === '"' && field === '') {
      quoted = true;
      pending = true;
      i++;
      continue;
    }
    if (ch === delimiter) {
      record.push(field);
      field = '';
      pending = true;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      record.push(field);
      yield record;
      record = [];
      field = '';
      pending = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    pending = true;
    i++;
  }
  if (pending || quoted) {
    record.push(field);
    yield record;
  }
}

/** All records at once (tests and small files). */
export function parseCsv(text: string, delimiter: Delimiter = ','): string[][] {
  return [...csvRecords(text, delimiter)];
}

/**
 * The delimiter of a CSV file, judged from its first line: a comma unless the line has none and has
 * tabs (Excel's "Unicode text" export) or semicolons (some European locales).
 */
export function sniffDelimiter(text: string): Delimiter {
  const end = text.search(/[\r\n]/);
  const first = end === -1 ? text : text.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  return ',';
}

/**
 * Writes records as CSV with CRLF line ends, quoting only the fields that need it.
 * @example toCsv([['a', 'b,c']]) // 'a,"b,c"\r\n'
 */
export function toCsv(records: readonly (readonly string[])[], delimiter: Delimiter = ','): string {
  const needsQuotes = new RegExp(`["\\r\\n${delimiter === '\t' ? '\\t' : delimiter}]`);
  const quote = (f: string) => (needsQuotes.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  return records.map((r) => `${r.map(quote).join(delimiter)}\r\n`).join('');
}

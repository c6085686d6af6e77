// Tokens of RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths. The grammar's words (attribute paths,
// operators, and/or/not, true/false/null, numbers, and the unquoted values older IdPs send) are all runs of
// characters up to whitespace, a bracket, a parenthesis or a quote; the parser decides what a word means
// from where it stands. Only JSON strings (RFC 8259 §7) need real lexing.
import { unstorable } from '../text.ts';

export type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: '(' | ')' | '[' | ']'; pos: number }
  | { kind: 'end'; pos: number };

/** A lexing failure: where, and what was expected there. The parser turns it into a ScimError. */
export interface LexError {
  pos: number;
  message: string;
}

const PUNCTUATION = new Set(['(', ')', '[', ']']);
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Reads the JSON string whose opening quote is at `start`; returns its value and the index after it. */
function readString(text: string, start: number): { value: string; next: number } | LexError {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const bad = unstorable(value);
      return bad === undefined ? { value, next: i + 1 } : { pos: start, message: `a string may not contain ${bad}` };
    }
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (e === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        return { pos: i, message: 'expected four hexadecimal digits after "\\u" in a string' };
      }
      // Surrogate pairs (\uD83D\uDE00) need no special case: two UTF-16 units concatenate into one character.
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else {
      return { pos: i, message: `expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, got "\\${e}" in a string` };
    }
  }
  return { pos: start, message: 'expected a closing quote for the string that starts here' };
}

export function tokenize(text: string): Token[] | LexError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as '(' | ')' | '[' | ']', pos: i });
      i++;
    } else if (c === '"') {
      const s = readString(text, i);
      if ('message' in s) return s;
      tokens.push({ kind: 'string', value: s.value, pos: i });
      i = s.next;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text[i]!) && !PUNCTUATION.has(text[i]!) && text[i] !== '"') i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    }
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

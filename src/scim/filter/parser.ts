// Recursive-descent parser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths:
//
//   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
//   valuePath = attrPath "[" valFilter "]"          ; valFilter: a FILTER without valuePath (errata 4690/7322)
//   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
//   attrPath  = [URI ":"] ATTRNAME *1subAttr
//   PATH      = attrPath / valuePath [subAttr]       ; §3.5.2; filters accept it before an operator (Entra)
//
// Precedence (§3.4.2.2): grouping, then not, then and, then or. Operators and keywords are case-insensitive.
// Leniency for IdPs in the field: any whitespace between tokens, and an unquoted value that is not a number,
// true, false or null is read as a string (`userName eq bob@example.com`).
import { ScimError, err, ok, type Result } from '../errors.ts';
import type { AttrPath, CompareOp, Filter, Literal, PatchPath } from './ast.ts';
import { SCIM_LIMITS } from '../limits.ts';
import { tokenize, type Token } from './lexer.ts';
import { isForbiddenKey } from '../text.ts';

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le, pr';
/** RFC 7643 §2.1 ATTRNAME, plus the "$ref" sub-attribute RFC 7643 §2.4 defines. */
const ATTRNAME = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
/** RFC 8259 §6 number. */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

class Failure {
  constructor(
    readonly pos: number,
    readonly message: string,
  ) {}
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'word':
      return `"${t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}"`;
    case 'string':
      return 'a quoted string';
    case 'end':
      return 'the end';
    default:
      return `"${t.kind}"`;
  }
}

const isWord = (t: Token, ...words: string[]): boolean => t.kind === 'word' && words.includes(t.text.toLowerCase());

/** Checks one attribute or sub-attribute name found at `pos`. */
function checkName(name: string, pos: number): void {
  if (name === '') throw new Failure(pos, 'expected an attribute name');
  // Prototype-pollution guard: code downstream may index objects with these names.
  if (isForbiddenKey(name)) throw new Failure(pos, `"${name}" is not allowed as an attribute name`);
  if (!ATTRNAME.test(name)) {
    throw new Failure(pos, `"${name}" is not an attribute name (a letter, then letters, digits, "-" or "_")`);
  }
}

/** `[URI ":"] ATTRNAME ["." subAttr]`: the URN is everything before the last ":", so the dots in
 *  "…:enterprise:2.0:User:manager.value" belong to the URN until the last colon, and to the path after it. */
function attrPathOf(word: { text: string; pos: number }): AttrPath {
  const colon = word.text.lastIndexOf(':');
  const uri = colon >= 0 ? word.text.slice(0, colon) : undefined;
  if (uri === '') throw new Failure(word.pos, 'expected a schema URN before ":"');
  const restPos = word.pos + colon + 1;
  const parts = word.text.slice(colon + 1).split('.');
  if (parts.length > 2) {
    const second = word.text.indexOf('.', word.text.indexOf('.', colon + 1) + 1);
    throw new Failure(word.pos + second, 'expected at most one sub-attribute (attribute.subAttribute)');
  }
  const [attr = '', sub] = parts;
  checkName(attr, restPos);
  if (sub !== undefined) checkName(sub, restPos + attr.length + 1);
  return { ...(uri !== undefined ? { uri } : {}), attr, ...(sub !== undefined ? { sub } : {}) };
}

class Parser {
  private i = 0;
  private depth = 0;
  private terms = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private enter(pos: number): void {
    if (++this.depth > SCIM_LIMITS.filterNesting) throw new Failure(pos, `expected at most ${SCIM_LIMITS.filterNesting} levels of nested parentheses, "not" and brackets`);
  }

  /** Counts one comparison (attrExp) at `pos`. SQLite refuses a deep enough expression tree with a 500
   *  ("Expression tree is too large"), and every comparison costs a JSON read or a subquery. */
  private term(pos: number): void {
    const limit = SCIM_LIMITS.filterTerms;
    if (++this.terms > limit) throw new Failure(pos, `expected at most ${limit} comparisons, the limit of this server`);
  }

  /** or-expression; `inValue` is true inside the brackets of a value path. */
  or(inValue: boolean): Filter {
    let left = this.and(inValue);
    while (isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and(inValue) };
    }
    return left;
  }

  private and(inValue: boolean): Filter {
    let left = this.unary(inValue);
    while (isWord(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary(inValue) };
    }
    return left;
  }

  private unary(inValue: boolean): Filter {
    const t = this.next();
    if (isWord(t, 'not')) {
      const open = this.next();
      if (open.kind !== '(') throw new Failure(open.pos, `expected "(" after "not", got ${describe(open)} (RFC 7644 §3.4.2.2: not (filter))`);
      return { kind: 'not', filter: this.group(open.pos, inValue) };
    }
    if (t.kind === '(') return this.group(t.pos, inValue);
    if (t.kind === 'word' && !isWord(t, 'and', 'or')) return this.attrExp(t, inValue);
    throw new Failure(t.pos, `expected an attribute name, "not" or "(", got ${describe(t)}`);
  }

  /** The rest of a parenthesised filter whose "(" was at `openPos`. */
  private group(openPos: number, inValue: boolean): Filter {
    return this.enclosed(openPos, '(', ')', inValue);
  }

  /** The bracketed value filter of a value path, "[" already read at `openPos`. */
  valueFilter(openPos: number): Filter {
    return this.enclosed(openPos, '[', ']', true);
  }

  /** A filter up to the `close` token matching the `open` one read at `openPos`. */
  private enclosed(openPos: number, open: '(' | '[', close: ')' | ']', inValue: boolean): Filter {
    this.enter(openPos);
    const inner = this.or(inValue);
    const t = this.next();
    if (t.kind !== close) {
      throw new Failure(
        t.pos,
        t.kind === 'end' ? `expected "${close}" to close the "${open}" at position ${openPos}` : `expected "and", "or" or "${close}", got ${describe(t)}`,
      );
    }
    this.depth--;
    return inner;
  }

  private attrExp(word: { text: string; pos: number }, inValue: boolean): Filter {
    const path = attrPathOf(word);
    const t = this.next();
    if (t.kind === '[') {
      // Errata 4690/7322: a value filter holds sub-attribute expressions only.
      if (inValue) throw new Failure(t.pos, 'expected a sub-attribute expression: value filters cannot be nested');
      if (path.sub !== undefined) throw new Failure(t.pos, `expected a comparison operator after "${word.text}": "[" follows an attribute, not a sub-attribute`);
      const filter = this.valueFilter(t.pos);
      const after = this.peek();
      if (after.kind === 'word' && after.text.startsWith('.')) {
        this.next();
        return this.subAfterValuePath(path, filter, after);
      }
      return { kind: 'valuePath', path, filter };
    }
    this.term(word.pos);
    if (isWord(t, 'pr')) return { kind: 'present', path };
    if (t.kind === 'word' && COMPARE_OPS.has(t.text.toLowerCase())) {
      const op = t.text.toLowerCase() as CompareOp;
      return { kind: 'compare', path, op, value: this.value(t.text) };
    }
    throw new Failure(t.pos, `expected a comparison operator (${OPERATOR_LIST}) after "${word.text}", got ${describe(t)}`);
  }

  /**
   * Not in the RFC grammar, but Entra ID looks users up with `emails[type eq "work"].value eq "x"`
   * (idp-requests.md, "Lookup before create"). It reads as "an element matching the brackets whose value
   * is x": emails[type eq "work" and value eq "x"]. ne and eq null keep their attribute-level meaning, the
   * negation of "some such element has it": not (emails[type eq "work" and value eq "x"]).
   */
  private subAfterValuePath(path: AttrPath, filter: Filter, word: { text: string; pos: number }): Filter {
    const sub = word.text.slice(1);
    checkName(sub, word.pos + 1);
    this.term(word.pos);
    const t = this.next();
    const inner: AttrPath = { attr: sub };
    const within = (f: Filter): Filter => ({ kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: f } });
    if (isWord(t, 'pr')) return within({ kind: 'present', path: inner });
    if (t.kind !== 'word' || !COMPARE_OPS.has(t.text.toLowerCase())) {
      throw new Failure(t.pos, `expected a comparison operator (${OPERATOR_LIST}) after "${path.attr}[...]${word.text}", got ${describe(t)}`);
    }
    const op = t.text.toLowerCase() as CompareOp;
    const value = this.value(t.text);
    if (value === null && (op === 'eq' || op === 'ne')) {
      const some = within({ kind: 'present', path: inner });
      return op === 'ne' ? some : { kind: 'not', filter: some };
    }
    if (op === 'ne') return { kind: 'not', filter: within({ kind: 'compare', path: inner, op: 'eq', value }) };
    return within({ kind: 'compare', path: inner, op, value });
  }

  /** compValue = false / null / true / number / string, plus unquoted strings. */
  private value(op: string): Literal {
    const t = this.next();
    if (t.kind === 'string') return t.value;
    const expected = `expected a value ("string", number, true, false or null) after "${op}"`;
    if (t.kind !== 'word' || isWord(t, 'and', 'or', 'not')) throw new Failure(t.pos, `${expected}, got ${describe(t)}`);
    const lower = t.text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (NUMBER.test(t.text)) {
      const n = Number(t.text);
      if (!Number.isFinite(n)) throw new Failure(t.pos, `expected a number within the range of a double, got ${describe(t)}`);
      return n;
    }
    return t.text;
  }
}

type Kind = 'filter' | 'path';

function failure(kind: Kind, pos: number, message: string): ScimError {
  return kind === 'filter'
    ? ScimError.badRequest('invalidFilter', `Invalid filter at position ${pos}: ${message}`)
    : ScimError.badRequest('invalidPath', `Invalid path at position ${pos}: ${message}`);
}

function run<T>(kind: Kind, text: string, body: (p: Parser) => T): Result<T> {
  if (text.length > SCIM_LIMITS.filterLength) {
    return err(failure(kind, SCIM_LIMITS.filterLength, `expected at most ${SCIM_LIMITS.filterLength} characters, got ${text.length}`));
  }
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return err(failure(kind, tokens.pos, tokens.message));
  if (tokens.length === 1) return err(failure(kind, 0, `the ${kind} is empty`));
  try {
    return ok(body(new Parser(tokens)));
  } catch (e) {
    if (e instanceof Failure) return err(failure(kind, e.pos, e.message));
    throw e;
  }
}

function trailing(t: Token, what: string): Failure {
  if (t.kind === ')') return new Failure(t.pos, 'unexpected ")" without a matching "("');
  if (t.kind === ']') return new Failure(t.pos, 'unexpected "]" without a matching "["');
  return new Failure(t.pos, `expected ${what}, got ${describe(t)}`);
}

/** Parses a `filter` query parameter (RFC 7644 §3.4.2.2). Errors are 400 invalidFilter naming the position. */
export function parseFilter(text: string): Result<Filter> {
  return run('filter', text, (p) => {
    const filter = p.or(false);
    const t = p.next();
    if (t.kind !== 'end') throw trailing(t, '"and", "or" or the end of the filter');
    return filter;
  });
}

/** Parses a PATCH operation `path` (RFC 7644 §3.5.2). Errors are 400 invalidPath naming the position. */
export function parsePath(text: string): Result<PatchPath> {
  return run('path', text, (p) => {
    const first = p.next();
    if (first.kind !== 'word') throw new Failure(first.pos, `expected an attribute name, got ${describe(first)}`);
    const path = attrPathOf(first);
    const open = p.peek();
    if (open.kind !== '[') {
      if (open.kind !== 'end') throw trailing(open, '"[" or the end of the path');
      return { path };
    }
    p.next();
    if (path.sub !== undefined) throw new Failure(open.pos, `expected the end of the path: "[" follows an attribute, not a sub-attribute`);
    const valueFilter = p.valueFilter(open.pos);
    let t = p.next();
    let subAfterFilter: string | undefined;
    if (t.kind === 'word' && t.text.startsWith('.')) {
      subAfterFilter = t.text.slice(1);
      checkName(subAfterFilter, t.pos + 1);
      t = p.next();
    }
    if (t.kind !== 'end') throw trailing(t, subAfterFilter === undefined ? '".subAttribute" or the end of the path' : 'the end of the path');
    return { path, valueFilter, ...(subAfterFilter !== undefined ? { subAfterFilter } : {}) };
  });
}

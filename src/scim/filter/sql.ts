// Compiles a filter (RFC 7644 §3.4.2.2) and a sortBy (§3.4.2.3) to SQL for SQLite and PostgreSQL. The
// semantics are evaluate.ts's, kept equal by test/scim/filter/equivalence.test.ts. Values are always bound
// parameters; identifiers come from the column map and the schemas, never from the filter text.
//
// Three-valued logic: a comparison with a missing attribute is NULL in SQL. Inside and/or that is harmless
// (Kleene and/or are TRUE exactly when their two-valued reading is), so only negation needs care:
// `not` and `ne` (= not eq) negate COALESCE(x, FALSE), which makes "missing" count as "does not match".
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { ScimError, err, ok, type Result } from '../errors.ts';
import { foldString, foldsCase } from '../fold.ts';
import type { AttributeDef, ResolvedAttr } from '../schemas/types.ts';
import type { AttrPath, CompareOp, Filter, Literal } from './ast.ts';
import { coerceLiteral, formatPath, operand, resolvePath, targetDef, validateFilter, type Resolve } from './validate.ts';

export type JsonPathStep = string | number;

/** A JSON value the compiler reads from: a JSON column, or the current element of an array being iterated. */
export interface JsonSource {
  readonly ref: RawBuilder<unknown>;
  readonly element: boolean;
}

/** Everything the compiler needs to know about a database. Implemented in src/store/sql-dialect.ts. */
export interface SqlJson {
  /** The JSON string at `path` inside `doc` as SQL text; NULL when absent. An empty path reads `doc` itself. */
  text(doc: JsonSource, path: readonly JsonPathStep[]): RawBuilder<unknown>;
  /** The JSON string at `path` as SQL text; NULL when absent or any other JSON type. */
  string(doc: JsonSource, path: readonly JsonPathStep[]): RawBuilder<unknown>;
  /** The JSON number at `path` as an SQL number; NULL when absent or not a number. */
  number(doc: JsonSource, path: readonly JsonPathStep[]): RawBuilder<unknown>;
  /** The JSON boolean at `path` as an SQL boolean (0/1 on SQLite); NULL when absent or not a boolean. */
  boolean(doc: JsonSource, path: readonly JsonPathStep[]): RawBuilder<unknown>;
  /** A FROM item, aliased `alias`, with one row per element of the JSON array at `path` (none if absent). */
  elements(doc: JsonSource, path: readonly JsonPathStep[], alias: string): { from: RawBuilder<unknown>; element: JsonSource };
  /** A bound boolean, in the form the driver can bind and the column stores. */
  bool(value: boolean): RawBuilder<unknown>;
  /** `text` ordered by code point, as evaluate.ts orders it (PostgreSQL's default collation is locale-aware). */
  binaryOrder(text: RawBuilder<unknown>): RawBuilder<unknown>;
}

export interface ColumnSpec {
  column: string;
  /** The column holds foldString(value), so the literal is folded too. */
  folded?: boolean;
  /** What the column holds when the resource lacks the attribute (scim_users.active holds true). A
   *  comparison that cannot tell the two apart (pr, eq null, eq <that value>) reads the JSON instead. */
  absentAs?: boolean | string;
}

/** Rows that mirror the elements of a multi-valued attribute (scim_user_emails, scim_group_members). */
export interface ChildTableSpec {
  table: string;
  /** The column holding the resource's id. */
  ownerColumn: string;
  /** Also matched to the company id, so an index led by it serves the lookup. */
  companyColumn?: string;
  /** Sub-attributes with a column, by lower-case name. */
  subs: Record<string, ColumnSpec>;
  /** Set when the attribute is not in the resource JSON either: the invalidFilter detail for other sub-attributes. */
  onlyColumns?: string;
}

/** How one resource type is stored. Keys are lower-case "attr" or "attr.sub"; extension attributes are
 *  prefixed with their lower-case schema URN and ":". */
export interface ResourceColumns {
  /** Alias of the resource table in the caller's query. */
  alias: string;
  idColumn: string;
  /** The canonical wire form, as stored. */
  resourceColumn: string;
  /** The same with every value for which foldsCase() holds folded by foldString(). */
  foldedResourceColumn: string;
  columns: Record<string, ColumnSpec>;
  children: Record<string, ChildTableSpec>;
  /** Top-level attributes neither in the JSON nor fully in columns, with the detail of the error. */
  notStored?: Record<string, string>;
}

export interface SqlContext {
  dialect: SqlJson;
  resolve: Resolve;
  columns: ResourceColumns;
  /** The tenant, bound into child-table lookups. */
  companyId: string;
}

type Cond = { sql: RawBuilder<SqlBool>; nullable: boolean };
type Scope =
  | { kind: 'row'; outer?: AttrPath }
  | { kind: 'child'; child: ChildTableSpec; outer: AttrPath }
  | { kind: 'element'; doc: JsonSource; outer: AttrPath };

/** Thrown inside the compiler and returned as a Result at its edge. */
class Rejection {
  constructor(readonly error: ScimError) {}
}
/** A child table cannot answer this value filter; the compiler falls back to the JSON. */
class NotInColumns {}

const SQL_OPS: Partial<Record<CompareOp, string>> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const cond = (s: RawBuilder<unknown>, nullable = true): Cond => ({ sql: s as RawBuilder<SqlBool>, nullable });
const isText = (def: AttributeDef) => ['string', 'reference', 'binary', 'dateTime'].includes(def.type);

export function topKey(r: ResolvedAttr): string {
  return (r.extension ? `${r.schema.id}:${r.attr.name}` : r.attr.name).toLowerCase();
}
export function columnKey(r: ResolvedAttr): string {
  return r.sub ? `${topKey(r)}.${r.sub.name.toLowerCase()}` : topKey(r);
}
/** Where resource_ci holds a custom extension attribute: under folded names, its value folded text
 *  (fold-resource.ts), so the path as written in the filter finds it whatever case the IdP sent. */
function customPath(r: ResolvedAttr): JsonPathStep[] {
  return [r.schema.id, r.attr.name, ...(r.sub ? [r.sub.name] : [])].map(foldString);
}
function basePath(r: ResolvedAttr): JsonPathStep[] {
  return r.extension ? [r.schema.id, r.attr.name] : [r.attr.name];
}
/** A column answers `op lit` unless it stores a stand-in for "absent" that the comparison could hit. */
function usable(spec: ColumnSpec, op: CompareOp | 'pr', lit: Literal): boolean {
  return spec.absentAs === undefined || (op === 'eq' && lit !== null && lit !== spec.absentAs);
}

class Compiler {
  private aliases = 0;
  constructor(private readonly ctx: SqlContext) {}

  private get d(): SqlJson {
    return this.ctx.dialect;
  }

  private doc(folded: boolean): JsonSource {
    const c = this.ctx.columns;
    return { ref: sql.ref(`${c.alias}.${folded ? c.foldedResourceColumn : c.resourceColumn}`), element: false };
  }

  private reject(detail: string): never {
    throw new Rejection(ScimError.badRequest('invalidFilter', detail));
  }

  negate(c: Cond): Cond {
    return cond(c.nullable ? sql`NOT COALESCE(${c.sql}, FALSE)` : sql`NOT (${c.sql})`, false);
  }

  /** `value op lit` for a value read from a column or JSON; `fold` folds the literal. */
  private comparison(value: RawBuilder<unknown>, def: AttributeDef, op: CompareOp | 'pr', lit: Literal, fold: boolean): Cond {
    if (op === 'pr') return cond(isText(def) ? sql`${value} <> ''` : sql`${value} IS NOT NULL`);
    if (def.type === 'boolean') return cond(sql`${value} = ${this.d.bool(lit === true)}`);
    const bound = typeof lit === 'string' && fold ? foldString(lit) : lit;
    if (op === 'co' || op === 'sw' || op === 'ew') {
      const s = escapeLike(String(bound));
      const pattern = op === 'co' ? `%${s}%` : op === 'sw' ? `${s}%` : `%${s}`;
      return cond(sql`${value} LIKE ${pattern} ESCAPE '\\'`);
    }
    const sqlOp = sql.raw(SQL_OPS[op] ?? '=');
    // ISO-8601 UTC text of one fixed width orders the same under any collation, so dateTime skips
    // binaryOrder and keeps the (company_id, created_at, id) index usable.
    const ordered = op !== 'eq' && (def.type === 'string' || def.type === 'reference') ? this.d.binaryOrder(value) : value;
    return cond(sql`${ordered} ${sqlOp} ${bound}`);
  }

  private jsonValue(doc: JsonSource, path: readonly JsonPathStep[], def: AttributeDef): RawBuilder<unknown> {
    if (def.type === 'boolean') return this.d.boolean(doc, path);
    if (def.type === 'integer' || def.type === 'decimal') return this.d.number(doc, path);
    return this.d.text(doc, path);
  }

  private json(doc: JsonSource, path: readonly JsonPathStep[], def: AttributeDef, op: CompareOp | 'pr', lit: Literal): Cond {
    if (def.type === 'complex') {
      // pr on a complex value: some defined sub-attribute is present (as evaluate.ts reads it).
      const parts = (def.subAttributes ?? []).map((s) => this.json(doc, [...path, s.name], s, 'pr', null).sql);
      return cond(parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`FALSE`);
    }
    return this.comparison(this.jsonValue(doc, path, def), def, op, lit, foldsCase(def));
  }

  private childLookup(child: ChildTableSpec, where: Cond | undefined): Cond {
    const c = this.ctx.columns;
    const parts: RawBuilder<unknown>[] = [];
    if (child.companyColumn) parts.push(sql`${sql.ref(child.companyColumn)} = ${this.ctx.companyId}`);
    if (where) parts.push(where.sql);
    const filter = parts.length ? sql` WHERE ${sql.join(parts, sql` AND `)}` : sql``;
    // IN (subquery) rather than EXISTS: both databases then drive the lookup from the child's index.
    return cond(sql`${sql.ref(`${c.alias}.${c.idColumn}`)} IN (SELECT ${sql.ref(child.ownerColumn)} FROM ${sql.table(child.table)}${filter})`, false);
  }

  private exists(doc: JsonSource, path: readonly JsonPathStep[], body: (element: JsonSource) => Cond): Cond {
    const e = this.d.elements(doc, path, `e${++this.aliases}`);
    return cond(sql`EXISTS (SELECT 1 FROM ${e.from} WHERE ${body(e.element).sql})`, false);
  }

  /** One comparison (or pr) of the attribute `r` in `scope`. */
  private atom(r: ResolvedAttr, op: CompareOp | 'pr', lit: Literal, scope: Scope): Cond {
    const def = targetDef(r);
    const sub = r.sub?.name ?? '';
    if (scope.kind === 'child') {
      const spec = scope.child.subs[sub.toLowerCase()];
      if (!spec || !usable(spec, op, lit)) throw new NotInColumns();
      return this.comparison(sql.ref(spec.column), def, op, lit, spec.folded === true);
    }
    if (scope.kind === 'element') return this.json(scope.doc, [sub], def, op, lit);
    if (r.custom) return this.comparison(this.d.string(this.doc(true), customPath(r)), def, op, lit, true);

    const c = this.ctx.columns;
    const spec = c.columns[columnKey(r)];
    if (spec && usable(spec, op, lit)) return this.comparison(sql.ref(`${c.alias}.${spec.column}`), def, op, lit, spec.folded === true);
    const child = r.attr.multiValued ? c.children[topKey(r)] : undefined;
    if (child) {
      const subSpec = child.subs[sub.toLowerCase()];
      if (!r.sub && op === 'pr') return this.childLookup(child, undefined);
      if (subSpec && usable(subSpec, op, lit)) {
        return this.childLookup(child, this.comparison(sql.ref(subSpec.column), def, op, lit, subSpec.folded === true));
      }
      if (child.onlyColumns) this.reject(child.onlyColumns);
    }
    const notStored = c.notStored?.[topKey(r)];
    if (notStored !== undefined && !spec) this.reject(notStored);
    if (!r.attr.multiValued) return this.json(this.doc(foldsCase(def)), r.sub ? [...basePath(r), sub] : basePath(r), def, op, lit);
    return this.exists(this.doc(foldsCase(def)), basePath(r), (el) => this.json(el, r.sub ? [sub] : [], def, op, lit));
  }

  private valuePath(f: Extract<Filter, { kind: 'valuePath' }>): Cond {
    const r = this.ok(resolvePath(f.path, undefined, this.ctx.resolve));
    // A single-valued complex attribute has at most one element: name[givenName eq "x"] is name.givenName eq "x"
    // when the resource has a name. Without one there is no element, so name[not (givenName eq "x")] is false
    // there, as in evaluate.ts (a bare sub-filter would read the missing name's givenName as absent: true).
    if (!r.attr.multiValued) {
      const inner = this.node(f.filter, { kind: 'row', outer: f.path });
      return cond(sql`(${this.d.text(this.doc(false), basePath(r))} IS NOT NULL AND ${inner.sql})`, inner.nullable);
    }
    const child = this.ctx.columns.children[topKey(r)];
    if (child) {
      const saved = this.aliases;
      try {
        return this.childLookup(child, this.node(f.filter, { kind: 'child', child, outer: f.path }));
      } catch (e) {
        if (!(e instanceof NotInColumns)) throw e;
        this.aliases = saved;
        if (child.onlyColumns) this.reject(child.onlyColumns);
      }
    }
    // One array, one document: resource_ci when some compared sub-attribute is folded (resource_ci keeps
    // every other value as is), resource otherwise.
    const folded = this.touches(f.filter, f.path, (def) => foldsCase(def));
    return this.exists(this.doc(folded), basePath(r), (doc) => this.node(f.filter, { kind: 'element', doc, outer: f.path }));
  }

  private touches(f: Filter, outer: AttrPath, test: (def: AttributeDef) => boolean): boolean {
    switch (f.kind) {
      case 'and':
      case 'or':
        return this.touches(f.left, outer, test) || this.touches(f.right, outer, test);
      case 'not':
        return this.touches(f.filter, outer, test);
      case 'valuePath':
        return false;
      default: {
        const r = resolvePath(f.path, outer, this.ctx.resolve);
        return r.ok && test(targetDef(r.value));
      }
    }
  }

  private ok<T>(r: Result<T>): T {
    if (!r.ok) throw new Rejection(r.error);
    return r.value;
  }

  node(f: Filter, scope: Scope): Cond {
    switch (f.kind) {
      case 'and':
      case 'or': {
        const a = this.node(f.left, scope);
        const b = this.node(f.right, scope);
        return cond(sql`(${a.sql} ${sql.raw(f.kind === 'and' ? 'AND' : 'OR')} ${b.sql})`, a.nullable || b.nullable);
      }
      case 'not':
        return this.negate(this.node(f.filter, scope));
      case 'present':
        return this.atom(this.ok(resolvePath(f.path, scope.outer, this.ctx.resolve)), 'pr', null, scope);
      case 'compare': {
        const r = this.ok(operand(f.path, f.op, scope.outer, this.ctx.resolve));
        const lit = this.ok(coerceLiteral(targetDef(r), f.op, f.value, formatPath(f.path)));
        // RFC 7644 §3.4.2.2 null: eq null is "not present", ne null is "present".
        if (lit === null) return f.op === 'ne' ? this.atom(r, 'pr', null, scope) : this.negate(this.atom(r, 'pr', null, scope));
        if (f.op === 'ne') return this.negate(this.atom(r, 'eq', lit, scope));
        return this.atom(r, f.op, lit, scope);
      }
      case 'valuePath':
        if (scope.kind !== 'row' || scope.outer) this.reject('Value filters cannot be nested (RFC 7644 §3.4.2.2)');
        return this.valuePath(f);
    }
  }

  /** The value sortBy orders by (RFC 7644 §3.4.2.3): NULL when missing; a multi-valued attribute sorts by
   *  its primary value, else its first. */
  sortKey(path: AttrPath): RawBuilder<unknown> {
    const r = this.ctx.resolve(path);
    if (!r) throw new Rejection(ScimError.badRequest('invalidValue', `sortBy names an unknown attribute "${formatPath(path)}"`));
    let target = r;
    if (!r.sub && r.attr.type === 'complex') {
      const value = r.attr.multiValued ? this.ctx.resolve({ ...path, sub: 'value' }) : undefined;
      if (!value) throw new Rejection(ScimError.badRequest('invalidValue', `sortBy "${formatPath(path)}" is complex: sort by one of its sub-attributes`));
      target = value;
    }
    const def = targetDef(target);
    const c = this.ctx.columns;
    const spec = c.columns[columnKey(target)];
    let value: RawBuilder<unknown>;
    if (target.custom) {
      value = this.d.string(this.doc(true), customPath(target));
    } else if (spec && spec.absentAs === undefined) {
      value = sql.ref(`${c.alias}.${spec.column}`);
    } else {
      const unsortable = c.children[topKey(target)]?.onlyColumns ?? (spec ? undefined : c.notStored?.[topKey(target)]);
      if (unsortable !== undefined) throw new Rejection(ScimError.badRequest('invalidValue', `Cannot sort by "${formatPath(path)}": ${unsortable}`));
      const doc = this.doc(foldsCase(def));
      const sub = target.sub?.name;
      if (!target.attr.multiValued) {
        value = this.jsonValue(doc, sub ? [...basePath(target), sub] : basePath(target), def);
      } else {
        const first = this.jsonValue(doc, [...basePath(target), 0, ...(sub ? [sub] : [])], def);
        const primary = target.attr.subAttributes?.find((s) => s.name === 'primary' && s.type === 'boolean');
        if (!primary) {
          value = first;
        } else {
          const e = this.d.elements(doc, basePath(target), `e${++this.aliases}`);
          const chosen = this.jsonValue(e.element, sub ? [sub] : [], def);
          const isPrimary = this.d.boolean(e.element, [primary.name]);
          value = sql`COALESCE((SELECT ${chosen} FROM ${e.from} WHERE ${isPrimary} = ${this.d.bool(true)} LIMIT 1), ${first})`;
        }
      }
    }
    return def.type === 'string' || def.type === 'reference' ? this.d.binaryOrder(value) : value;
  }
}

function guarded<T>(body: () => T): Result<T> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof Rejection) return err(e.error);
    throw e;
  }
}

/** A WHERE condition for `filter` over the table aliased `ctx.columns.alias`. Validates the filter first. */
export function compileFilter(filter: Filter, ctx: SqlContext): Result<RawBuilder<SqlBool>> {
  const valid = validateFilter(filter, ctx.resolve);
  if (!valid.ok) return valid;
  return guarded(() => new Compiler(ctx).node(valid.value, { kind: 'row' }).sql);
}

/** An ORDER BY item for sortBy/sortOrder (RFC 7644 §3.4.2.3), e.g. `"u"."user_name_ci" COLLATE "C" ASC NULLS LAST`.
 *  The caller adds a unique tie-breaker (the id) for stable paging. Errors are 400 invalidValue. */
export function compileSort(path: AttrPath, order: 'ascending' | 'descending', ctx: Omit<SqlContext, 'companyId'>): Result<RawBuilder<unknown>> {
  const key = compileSortKey(path, ctx);
  if (!key.ok) return key;
  // Missing values sort last ascending and first descending; SQLite's default is the opposite.
  return ok(order === 'ascending' ? sql`${key.value} ASC NULLS LAST` : sql`${key.value} DESC NULLS FIRST`);
}

/** The sortBy value alone (NULL when missing), for keyset paging (RFC 9865 cursors over a sorted list). */
export function compileSortKey(path: AttrPath, ctx: Omit<SqlContext, 'companyId'>): Result<RawBuilder<unknown>> {
  return guarded(() => new Compiler({ ...ctx, companyId: '' }).sortKey(path));
}

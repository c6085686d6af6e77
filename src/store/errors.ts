// The store's own errors: what went wrong in data terms, nothing of any protocol. Each surface maps them
// to its shape (SCIM: provisioning/scim/store-errors.ts; the CLI and admin API: their own).

/** A write would give a second row the same value of a unique column (userName, displayName, a company's name), compared
 *  as the index compares it (folded). `value` is the value the write tried, as given. */
export class UniqueViolation extends Error {
  constructor(
    readonly entity: 'user' | 'group' | 'company' | 'system user',
    readonly field: string,
    readonly value: string,
  ) {
    super(`A ${entity} with ${field} "${value}" already exists`);
    this.name = 'UniqueViolation';
  }
}

/** A write names rows that do not exist (group members that are no users of the company). */
export class MissingReferences extends Error {
  constructor(
    readonly entity: 'user',
    readonly ids: readonly string[],
  ) {
    super(`No ${entity} has id ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`);
    this.name = 'MissingReferences';
  }
}

/** The database does not hold the schema this code knows, and the caller may not migrate it: no Roster schema
 *  at all (a missing or empty file, another database), an older one (fewer migrations applied) or a newer
 *  one (migrations this code does not know). `missing` lists the migrations not applied, `unknown` those applied
 *  that this code does not know. */
export class SchemaMismatch extends Error {
  constructor(
    readonly state: 'none' | 'older' | 'newer',
    readonly missing: readonly string[] = [],
    readonly unknown: readonly string[] = [],
  ) {
    super(
      state === 'none'
        ? 'the database holds no Roster schema'
        : state === 'older'
          ? `the database was migrated by an older Roster (missing ${missing.join(', ')})`
          : `the database was migrated by a newer Roster (migrations ${unknown.join(', ')}, unknown to this version)`,
    );
    this.name = 'SchemaMismatch';
  }
}

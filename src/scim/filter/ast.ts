// Typed AST for RFC 7644 §3.4.2.2 filters and PATCH paths. Parsed once; storage receives the AST, never text.

/** An attribute reference. `uri` is the schema URN when the path was URN-qualified (lower-cased as written
 *  is NOT applied: the parser keeps the URN as written; resolution against schemas is case-insensitive). */
export interface AttrPath {
  uri?: string;
  /** Top-level attribute name as written, e.g. "name" in name.givenName. */
  attr: string;
  /** Sub-attribute name as written, e.g. "givenName". */
  sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** string | number | boolean | null. dateTime literals are strings; the schema type decides the comparison. */
export type Literal = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: Literal }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and'; left: Filter; right: Filter }
  | { kind: 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /** emails[type eq "work" and value co "@x"]: `filter` paths are relative to the element (attr = sub-attribute). */
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

/** A PATCH path (RFC 7644 §3.5.2): attrPath, or valuePath with an optional sub-attribute after the bracket. */
export interface PatchPath {
  path: AttrPath;
  /** Present for members[value eq "x"] or emails[type eq "work"].value */
  valueFilter?: Filter;
  /** Sub-attribute after the bracket: the ".value" in emails[type eq "work"].value */
  subAfterFilter?: string;
}

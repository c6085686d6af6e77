// RFC 7643 §7: attribute characteristics as data. They drive validation, comparison and projection.
export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

export interface ResourceTypeDef {
  id: 'User' | 'Group';
  name: string;
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
}

/** What an attribute reference resolves to: the schema it lives in, the top-level attribute and, for
 *  name.givenName or emails.value, the sub-attribute. Names are matched case-insensitively (RFC 7643 §2.1). */
export interface ResolvedAttr {
  schema: SchemaDef;
  /** True when the schema is an extension (attributes live under the URN key in the resource). */
  extension: boolean;
  /** An attribute of an extension Roster does not define (schemas/custom.ts): a singular string, kept as pushed. */
  custom?: true;
  attr: AttributeDef;
  sub?: AttributeDef;
}

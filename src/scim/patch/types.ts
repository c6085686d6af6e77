// Shapes shared by the PATCH engine (RFC 7644 §3.5.2).
import type { Filter } from '../filter/ast.ts';
import type { ScimResource } from '../resource.ts';
import type { AttributeDef, SchemaDef } from '../schemas/types.ts';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** Group membership changes, in request order. Membership never loads into memory: the store applies
 *  these as row changes (add = insert-if-absent, remove = delete listed, replace = set exactly). */
export type MemberChange =
  | { op: 'add'; ids: readonly string[] }
  | { op: 'remove'; ids: readonly string[] }
  | { op: 'removeAll' }
  | { op: 'replace'; ids: readonly string[] };

export interface PatchResult {
  resource: ScimResource;
  members: MemberChange[];
}

/** One attribute a path or a path-less value key designates. */
export interface AttrTarget {
  kind: 'attr';
  schema: SchemaDef;
  extension: boolean;
  attr: AttributeDef;
  /** name.givenName, emails[type eq "work"].value */
  sub?: AttributeDef;
  /** emails[type eq "work"] */
  filter?: Filter;
  /** The path as the client wrote it, for messages. */
  text: string;
}

export type Target =
  | AttrTarget
  /** A whole schema named by its URN, e.g. path "urn:…:enterprise:2.0:User"; `custom` for an extension this
   *  server does not define (schemas/custom.ts), whose schema lists no attributes. */
  | { kind: 'schema'; schema: SchemaDef; extension: boolean; custom?: true; text: string }
  /** One attribute of a custom extension, "urn:…:CompanyName:2.0:User:country": set and removed as a whole. */
  | { kind: 'custom'; urn: string; name: string; text: string }
  /** A Group's members: applied as MemberChange, never to the resource. */
  | { kind: 'members'; filter?: Filter; sub?: AttributeDef; text: string }
  /** Read-only (id, meta, groups): 400 mutability through a path, ignored inside a path-less value. */
  | { kind: 'readOnly'; text: string }
  /** Unknown attributes and password: accepted and dropped, as in POST (idp-requests §6 rules 8, 13). */
  | { kind: 'ignore' };

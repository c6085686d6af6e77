// The limits every SCIM request is held to, in one place: the parsers enforce them, /ServiceProviderConfig
// advertises those SCIM has a field for, and docs/ARCHITECTURE.md ("Limits") says why each number is what
// it is. Each is well above what Entra ID, Okta, OneLogin and JumpCloud really send
// (../shared/reference/idp-requests.md) and low enough that no single request can hold the event loop, a
// database index row or the process's memory hostage.
export const SCIM_LIMITS = {
  /** Operations in one PATCH request (Entra batches member changes; Okta and OneLogin send one or two). */
  patchOperations: 1_000,
  /** Operations in one Bulk request (advertised as bulk.maxOperations). */
  bulkOperations: 1_000,
  /** Elements of one multi-valued attribute of a user (emails, phoneNumbers, addresses, roles, …). */
  multiValuedElements: 1_000,
  /** Members named in one request: a POST/PUT group body, or all values of one PATCH request together.
   *  Okta pushes a whole group's membership in one PUT; 100,000 {"value": id} entries are ~5 MB. */
  membersPerRequest: 100_000,
  /** Characters (UTF-16 code units) of an identifying, indexed string: userName, externalId, a group's
   *  displayName, an email value. Entra's longest userPrincipalName is 113, its group names 256. */
  identifierLength: 512,
  /** UTF-8 bytes of an identifying string once case-folded (NFC + lower case can grow a string): keeps every
   *  index row under PostgreSQL's btree limit (2,704 bytes) with the company id beside it. */
  identifierFoldedBytes: 2_048,
  /** Characters of any other string attribute (names, titles, addresses, extension values, certificates). */
  stringLength: 16_384,
  /** Bytes of one stored resource as JSON (a group's members are rows and do not count). */
  resourceBytes: 64 * 1024,
  /** Nesting depth of a request body (the deepest real body, a Bulk PATCH of the enterprise manager, is 8). */
  jsonDepth: 32,
  /** Characters of one filter (a query parameter, or a PATCH path's value filter). */
  filterLength: 10_000,
  /** Levels of nested parentheses, `not` and brackets in a filter: deep enough for any real one, shallow
   *  enough that the recursive-descent parser never exhausts the stack. */
  filterNesting: 64,
  /** Comparisons in one filter (`a eq 1 or b eq 2` has 2). */
  filterTerms: 100,
  /** Resources' JSON in one list response: a page of very large resources holds fewer than `count`. */
  responseBytes: 4 * 1024 * 1024,
  /** Names in one `attributes` or `excludedAttributes` list: User and its enterprise extension define
   *  fewer than 100 attribute paths, so a longer list only repeats or names unknowns; 100,000 names
   *  (a 2 MB .search body) held the event loop for 20 s. */
  projectionAttributes: 200,
  /** Elements one PATCH request's value filters may examine one by one. A conjunction of eq comparisons
   *  (emails[type eq "work"], what every IdP sends) is looked up in an index and costs nothing here; any
   *  other filter (co, sw, or, not, …) tests each element of the attribute, ~2.5 µs apiece, once per
   *  operation: 1,000 such operations over 1,000 emails held the event loop for 2.5 s. 20,000 is ≤ 50 ms. */
  patchFilterScans: 20_000,
} as const;

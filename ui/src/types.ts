// The shapes of the admin API's answers the UI reads (see the API's OpenAPI document at /api/v1/openapi.json).

export type Role = 'operator' | 'admin' | 'viewer';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  companyId: string | null;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export interface Company {
  id: string;
  name: string;
  language: string | null;
  licenseLimit: number | null;
  licenseEnforce?: boolean;
  licenseMode?: string;
  allowedDomains: string[];
  activeUsers: number;
  licenseExceeded?: boolean;
  createdAt?: string;
}

export interface TargetUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  active: boolean;
  department: string | null;
  title: string | null;
  phone: string | null;
  timezone: string | null;
  preferredLanguage: string | null;
  manager: { id: string; email: string } | string | null;
  customFields: Record<string, unknown>;
  groups: string[];
  /** Who manages the user: a SCIM setting (`scim`, read-only here) or an admin (by hand, CSV or the API). */
  source: { kind: 'scim' | 'csv' | 'api' | 'manual'; settingId: string | null; settingName: string | null };
  deliverable?: boolean;
  externalId?: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface JobLogEntry {
  id: string;
  at: string;
  settingId: string | null;
  idp?: string | null;
  operation: string;
  resourceType?: string | null;
  resourceId?: string | null;
  userName?: string | null;
  targetUserId?: string | null;
  outcome: string;
  status?: number | null;
  detail?: string | null;
}

export interface CustomField {
  id: string;
  name: string;
  type: string;
  createdAt?: string;
}

export interface Group {
  id: string;
  name: string;
  source: string;
  settingId: string | null;
  memberCount: number;
  createdAt?: string;
}

export interface Mapping {
  field: string;
  expression: string;
}

export interface ScimSetting {
  id: string;
  name: string;
  tokenPrefix?: string;
  mappings: Mapping[];
  groupName?: string | null;
  targetGroup?: string | null;
  groupBy: string | null;
  syncGroups: boolean;
  testMode: boolean;
  createdAt: string;
  revokedAt?: string | null;
  lastActivityAt?: string | null;
  identityProvider?: string | null;
  last24Hours?: { since: string; succeeded: number; failed: number };
  scimUrl?: string;
}

export interface ScimStatus {
  lastRequestAt: string | null;
  identityProvider: string | null;
  userAgent?: string | null;
  lastError: { at: string; status: number; scimType?: string | null; detail?: string | null; method?: string; path?: string } | null;
  last24Hours?: { since: string; succeeded: number; warned: number; failed: number };
  /** `warned` is the part of `succeeded` that left a warning in the job log. */
  hourly?: { hour: string; succeeded: number; warned: number; failed: number }[];
}

export interface Job {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number | null;
  error: string | null;
  finishedAt: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string | { kind?: string; id?: string; email?: string; name?: string };
  ip?: string | null;
  userAgent?: string | null;
  action?: string;
  operation?: string;
  entity: string;
  entityId: string | null;
  old?: unknown;
  new?: unknown;
  oldValue?: unknown;
  newValue?: unknown;
}

export interface SystemUser {
  id: string;
  email: string;
  role: Role;
  companyId: string | null;
  status: string;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface ApiKey {
  id: string;
  companyId: string;
  name: string | null;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ImportPreview {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  skipped: number;
  failed: number;
  columns: { header: string; field: string | null }[];
  problems: { row: number; email: string | null; outcome: string; field?: string; message?: string }[];
  truncated: boolean;
}

// The audit log: append-only (the database refuses UPDATE and DELETE on it, migration 004).
import type { Store } from './open.ts';

export interface AuditEntry {
  id: string;
  companyId: string | null;
  at: string;
  /** `cli`, `user:<email>`, `api-key:<name> (<id>)` or `anonymous` (directory/audit.ts). */
  actor: string;
  ip: string | null;
  userAgent: string | null;
  /** company | scim-setting | custom-field | token | … */
  entity: string;
  entityId: string | null;
  /** create | update | delete | rotate | revoke … */
  operation: string;
  /** Never a token or a token hash. */
  oldValue: unknown;
  newValue: unknown;
}

export async function appendAudit(store: Store, e: AuditEntry): Promise<void> {
  await store.db
    .insertInto('audit_log')
    .values({
      id: e.id,
      company_id: e.companyId,
      at: e.at,
      actor: e.actor,
      ip: e.ip,
      user_agent: e.userAgent,
      entity: e.entity,
      entity_id: e.entityId,
      operation: e.operation,
      old_value: e.oldValue === undefined || e.oldValue === null ? null : store.dialect.toJson(e.oldValue),
      new_value: e.newValue === undefined || e.newValue === null ? null : store.dialect.toJson(e.newValue),
    })
    .execute();
}

export interface AuditPage {
  /** null: the rows of no company (operators' system users and API keys, sign-ins of unknown emails). */
  companyId: string | null;
  /** The id of the last row of the previous page: older rows follow. */
  beforeId?: string;
  limit: number;
}

/** Newest first, one page: ids are time-ordered, so each page is one range of audit_log_company read backwards. */
export async function pageAuditLog(store: Store, p: AuditPage): Promise<AuditEntry[]> {
  let q = store.db.selectFrom('audit_log').selectAll().where('company_id', p.companyId === null ? 'is' : '=', p.companyId);
  if (p.beforeId !== undefined) q = q.where('id', '<', p.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(p.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    companyId: r.company_id,
    at: r.at,
    actor: r.actor,
    ip: r.ip,
    userAgent: r.user_agent,
    entity: r.entity,
    entityId: r.entity_id,
    operation: r.operation,
    oldValue: r.old_value === null ? null : store.dialect.fromJson(r.old_value),
    newValue: r.new_value === null ? null : store.dialect.fromJson(r.new_value),
  }));
}

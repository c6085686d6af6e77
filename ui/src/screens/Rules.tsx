// A SCIM setting's rules, shared by the wizard and the edit form: Map Fields (a field ← an attribute
// expression, checked as it is typed) and Group Settings (target group, grouping criteria, IdP groups,
// test mode).
import { useEffect, useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import type { CustomField, Mapping } from '../types.ts';

export const PLATFORM_FIELDS = ['email', 'firstName', 'lastName', 'department', 'title', 'phone', 'timezone', 'preferredLanguage', 'manager'];

export interface Rules {
  mappings: Mapping[];
  groupName: string;
  groupBy: string;
  syncGroups: boolean;
  testMode: boolean;
}

export interface Attribute {
  expression: string;
  label: string;
  idps: string[];
}

/** The body the API takes: half-filled rows are dropped, empty choices are null. */
export const rulesBody = (r: Rules) => ({
  mappings: r.mappings.filter((m) => m.field && m.expression.trim()).map((m) => ({ field: m.field, expression: m.expression.trim() })),
  groupName: r.groupName.trim() || null,
  groupBy: r.syncGroups ? null : r.groupBy || null,
  syncGroups: r.syncGroups,
  testMode: r.testMode,
});

function ExpressionInput(props: { companyId: string; id: string; value: string; attributes: Attribute[]; onChange: (v: string) => void; label: string }) {
  const [check, setCheck] = useState<{ valid: boolean; message?: string; position?: number | null } | null>(null);
  useEffect(() => {
    if (!props.value.trim()) return setCheck(null);
    let live = true;
    const t = window.setTimeout(() => {
      api<{ valid: boolean; message?: string; position?: number | null }>('POST', companyPath(props.companyId, '/scim-settings/validate-expression'), { expression: props.value }).then(
        (r) => live && setCheck(r),
        () => live && setCheck(null),
      );
    }, 250);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [props.value]);
  const invalid = check && !check.valid;
  return (
    <div class="expr">
      <label class="visually-hidden" for={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        list={`${props.companyId}-attributes`}
        value={props.value}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? `${props.id}-error` : undefined}
        placeholder='addresses[type eq "work"].country'
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
      {invalid && (
        <p class="field-error" id={`${props.id}-error`}>
          {check.message}
          {typeof check.position === 'number' && (
            <>
              {' '}
              <code class="position">
                {props.value.slice(0, check.position)}
                <mark>{props.value.slice(check.position, check.position + 1) || ' '}</mark>
                {props.value.slice(check.position + 1)}
              </code>
            </>
          )}
        </p>
      )}
      {check?.valid && <p class="hint ok-text">Valid expression.</p>}
    </div>
  );
}

export function MapFields(props: { companyId: string; fields: CustomField[]; attributes: Attribute[]; rules: Rules; onChange: (r: Rules) => void }) {
  const { rules } = props;
  const targets = [...PLATFORM_FIELDS, ...props.fields.map((f) => f.name)];
  const setRow = (i: number, m: Partial<Mapping>) => props.onChange({ ...rules, mappings: rules.mappings.map((r, j) => (j === i ? { ...r, ...m } : r)) });
  return (
    <fieldset>
      <legend>Map Fields</legend>
      <p class="hint">
        Email, first and last name, department and phone are read from the standard SCIM attributes without a mapping. Map a field to read it from another
        attribute: pick one the identity providers send, or type an expression.
      </p>
      <datalist id={`${props.companyId}-attributes`}>
        {props.attributes.map((a) => (
          <option value={a.expression}>{`${a.label} (${a.idps.join(', ')})`}</option>
        ))}
      </datalist>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table class="mappings">
          <thead>
            <tr>
              <th scope="col">Platform or custom field</th>
              <th scope="col">SCIM attribute expression</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.mappings.map((m, i) => (
              <tr>
                <td>
                  <label class="visually-hidden" for={`map-field-${i}`}>
                    Field of mapping {i + 1}
                  </label>
                  <select id={`map-field-${i}`} value={m.field} onChange={(e) => setRow(i, { field: e.currentTarget.value })}>
                    <option value="">Choose a field</option>
                    {targets.map((t) => (
                      <option value={t} disabled={t !== m.field && rules.mappings.some((r) => r.field === t)}>
                        {t}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <ExpressionInput
                    companyId={props.companyId}
                    id={`map-expr-${i}`}
                    label={`SCIM attribute of mapping ${i + 1}`}
                    value={m.expression}
                    attributes={props.attributes}
                    onChange={(v) => setRow(i, { expression: v })}
                  />
                </td>
                <td>
                  <button type="button" class="link" aria-label={`Remove mapping ${i + 1}`} onClick={() => props.onChange({ ...rules, mappings: rules.mappings.filter((_, j) => j !== i) })}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" onClick={() => props.onChange({ ...rules, mappings: [...rules.mappings, { field: '', expression: '' }] })}>
        + Add mapping
      </button>
    </fieldset>
  );
}

export function GroupSettings(props: { fields: CustomField[]; rules: Rules; onChange: (r: Rules) => void; fieldErrors: Record<string, string> }) {
  const { rules } = props;
  const groupable = ['department', ...props.fields.filter((f) => f.type === 'text' && rules.mappings.some((m) => m.field === f.name)).map((f) => f.name)];
  return (
    <fieldset>
      <legend>Group Settings</legend>
      <div class="field">
        <label for="group-name-input">Group name</label>
        <input
          id="group-name-input"
          value={rules.groupName}
          aria-describedby="group-name-hint"
          onInput={(e) => props.onChange({ ...rules, groupName: e.currentTarget.value })}
        />
        <p class="hint" id="group-name-hint">
          The group every user of this setting joins (with grouping: the users without a value). Leave empty for none.
        </p>
        {props.fieldErrors.groupName && <p class="field-error">{props.fieldErrors.groupName}</p>}
      </div>
      <fieldset>
        <legend>Grouping criteria</legend>
        <div class="check">
          <input id="crit-none" type="radio" name="criteria" checked={!rules.syncGroups && !rules.groupBy} onChange={() => props.onChange({ ...rules, syncGroups: false, groupBy: '' })} />
          <label for="crit-none">No grouping</label>
        </div>
        <div class="check">
          <input
            id="crit-field"
            type="radio"
            name="criteria"
            checked={!rules.syncGroups && !!rules.groupBy}
            onChange={() => props.onChange({ ...rules, syncGroups: false, groupBy: rules.groupBy || 'department' })}
          />
          <label for="crit-field">Select a SCIM field to determine user groups</label>
        </div>
        {!rules.syncGroups && !!rules.groupBy && (
          <div class="field indent">
            <label for="group-by">Group by field</label>
            <select id="group-by" value={rules.groupBy} onChange={(e) => props.onChange({ ...rules, groupBy: e.currentTarget.value })}>
              {groupable.map((g) => (
                <option value={g}>{g}</option>
              ))}
            </select>
            {props.fieldErrors.groupBy && <p class="field-error">{props.fieldErrors.groupBy}</p>}
          </div>
        )}
        <div class="check">
          <input id="crit-sync" type="radio" name="criteria" checked={rules.syncGroups} onChange={() => props.onChange({ ...rules, syncGroups: true, groupBy: '' })} />
          <label for="crit-sync">Synchronize groups with Identity Management Platform</label>
        </div>
      </fieldset>
      <div class="check">
        <input id="test-mode" type="checkbox" checked={rules.testMode} onChange={(e) => props.onChange({ ...rules, testMode: e.currentTarget.checked })} />
        <label for="test-mode">Test mode: answer the identity provider but change no target user (the job log says what would change)</label>
      </div>
    </fieldset>
  );
}

/** The custom fields and the attribute picker both rule forms need. */
export async function loadRuleChoices(companyId: string) {
  const [fields, attributes] = await Promise.all([
    api<{ items: CustomField[] }>('GET', companyPath(companyId, '/custom-fields')),
    api<{ items: Attribute[] }>('GET', companyPath(companyId, '/scim-settings/attributes')),
  ]);
  return { fields: fields.items, attributes: attributes.items };
}

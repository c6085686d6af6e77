// What identity providers send that RFC 7643/7644 does not quite allow, normalised before validation.
// Kept here, beside the resource and PATCH code, so HTTP never has to know (idp-requests §6).

/**
 * Entra's default job sends booleans as strings ("True"/"False", idp-requests §1.8; "false" in scimmy
 * #86); the validator sends roles[].primary "True" (§1.10). Any case, surrounding spaces tolerated.
 */
export function booleanish(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function emptyish(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * The enterprise `manager` arrives as a bare id ("123"), an object ({"value": "123"}), an array
 * ([{"$ref": null, "value": "123"}], Entra "Example 5") or empty ("", {"value": ""}, {}, null) meaning
 * "no manager" (idp-requests §1.5, §1.11 item 5), or OneLogin's {"managerId": "123"}. Returns the complex
 * form, or null for removal; other shapes pass through for type validation to reject.
 */
export function normaliseManager(raw: unknown): unknown {
  if (Array.isArray(raw)) {
    const first = raw.find((e) => e !== null && e !== undefined);
    return first === undefined ? null : normaliseManager(first);
  }
  if (typeof raw === 'string') return raw.trim() === '' ? null : { value: raw };
  if (isObject(raw)) {
    const key = Object.keys(raw).find((k) => k.toLowerCase() === 'value');
    if (key !== undefined) return emptyish(raw[key]) ? null : raw;
    // OneLogin's enterprise template sends the SCIM 1.1 name {"managerId": …} (idp-requests §3): the same id.
    const legacy = Object.keys(raw).find((k) => k.toLowerCase() === 'managerid');
    return legacy === undefined || emptyish(raw[legacy]) ? null : { value: raw[legacy] };
  }
  return emptyish(raw) ? null : raw;
}

/** Entra emits "Add"/"Replace"/"Remove" (idp-requests §1.1 "Don't require a case-sensitive match"). */
export function opName(raw: unknown): 'add' | 'replace' | 'remove' | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw.trim().toLowerCase();
  return name === 'add' || name === 'replace' || name === 'remove' ? name : undefined;
}

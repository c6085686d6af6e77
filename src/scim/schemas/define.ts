// Builders for RFC 7643 §7 attribute definitions. Every definition they return carries every
// characteristic explicitly; the defaults are the ones RFC 7643 §2.2 prescribes for a characteristic a
// schema leaves unstated (required false, caseExact false, mutability readWrite, returned default,
// uniqueness none, single-valued).
import type { AttrType, AttributeDef } from './types.ts';

type Characteristics = Partial<Omit<AttributeDef, 'name' | 'type' | 'description' | 'subAttributes'>>;

export function attr(name: string, type: AttrType, description: string, c: Characteristics = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...c,
  };
}

export function complex(
  name: string,
  description: string,
  subAttributes: AttributeDef[],
  c: Characteristics = {},
): AttributeDef {
  return { ...attr(name, 'complex', description, c), subAttributes };
}

/** The value/display/type/primary shape RFC 7643 §2.4 gives most multi-valued attributes. */
export function plural(
  name: string,
  description: string,
  valueType: AttrType,
  typeValues: string[],
  c: Characteristics = {},
): AttributeDef {
  const value =
    valueType === 'reference'
      ? attr('value', 'reference', `The ${name} value, a URL.`, { referenceTypes: ['external'] })
      : attr('value', valueType, `The ${name} value.`);
  return complex(
    name,
    description,
    [
      value,
      attr('display', 'string', 'A human-readable name, primarily for display purposes.'),
      attr('type', 'string', `A label for the function of the value, e.g. ${typeValues[0] ?? 'work'}.`, {
        canonicalValues: typeValues,
      }),
      attr('primary', 'boolean', 'Marks the preferred value; true appears at most once (RFC 7643 §2.4).'),
    ],
    { multiValued: true, ...c },
  );
}

// Language tags (BCP 47, ISO 639-1) as the platform keeps them: a company's language and a target user's
// preferred language, and which of them content is sent in.

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The canonical BCP 47 spelling of `raw` (`en_us` → `en-US`, `EN` → `en`), or null when it is not a tag
 *  or its language subtag names no language ICU knows (`xx`, `und`). */
export function canonicalLanguage(raw: string): string | null {
  // Java and POSIX locales use "_" (en_US); BCP 47 uses "-".
  const text = raw.trim().replaceAll('_', '-');
  if (text === '') return null;
  let tag: string;
  try {
    [tag = ''] = Intl.getCanonicalLocales(text);
  } catch {
    return null;
  }
  const language = tag.split('-')[0] ?? '';
  return language !== 'und' && LANGUAGE_NAMES.of(language) !== undefined ? tag : null;
}

// The language content is sent in (understanding-the-preferred-language-setting, product-spec.md b.4):
// "1. User's Preferred Language (if available) 2. Company's Preferred Language … 3. Default System
// Language (English)".

export const SYSTEM_LANGUAGE = 'en';

export function effectiveLanguage(own: string | null, companyLanguage: string | null): string {
  return own ?? companyLanguage ?? SYSTEM_LANGUAGE;
}

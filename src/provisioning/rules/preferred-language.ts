// The language content is sent in (understanding-the-preferred-language-setting, product-spec.md b.4):
// "1. User's Preferred Language (if available) 2. Company's Preferred Language … 3. Default System
// Language (English)".

export const SYSTEM_LANGUAGE = 'en';

export function effectiveLanguage(own: string | null, companyLanguage: string | null): string {
  return own ?? companyLanguage ?? SYSTEM_LANGUAGE;
}

// Spreadsheets run a cell that starts with =, +, - or @ (or a tab or carriage return before one) as a formula:
// a target user named `=HYPERLINK(…)` would act when an admin opens the export (OWASP "CSV injection"). The
// export writes such a cell behind an apostrophe, which spreadsheets hide and treat as "text"; the import takes
// exactly one apostrophe off such a cell, so an export still imports back unchanged. A cell that itself starts
// with an apostrophe before one of those characters gets one more, for the same reason.
const FORMULA = /^'*[=+\-@\t\r]/;

export const escapeCell = (cell: string): string => (FORMULA.test(cell) ? `'${cell}` : cell);

export const unescapeCell = (cell: string): string => (cell.startsWith("'") && FORMULA.test(cell.slice(1)) ? cell.slice(1) : cell);

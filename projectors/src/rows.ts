/** A timestamp read back from PostgreSQL, as the API writes it (ISO 8601, UTC). */
export const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();

export const isoOrNull = (value: unknown): string | null => (value ? iso(value) : null);

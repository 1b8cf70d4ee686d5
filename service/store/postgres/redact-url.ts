// Kept apart from pg-database.ts so the start-up line can name the database without loading `pg`
// (a SQLite-only gateway never loads it).

/** The connection string with any password replaced, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

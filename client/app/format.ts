/** Small display formats of the app that are not money (money is shared/money.ts). */

/** A file size as people read it: «512 B», «38 kB», «4,8 MB». */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The one date format of the app and the exports, dd.mm.åååå («30.11.2026»),
 * in this browser's time zone, whatever the language; null for no date or
 * one that does not read.
 */
export function formatDate(value: string | number | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return `${pad2(d.getDate())}.${pad2(d.getMonth() + 1)}.${d.getFullYear()}`;
}

/** A date with the time of day: «30.11.2026 14:05» (24-hour clock); null as for `formatDate`. */
export function formatDateTime(value: string | number | Date | null | undefined): string | null {
  const date = formatDate(value);
  if (date === null) return null;
  const d = value instanceof Date ? value : new Date(value as string | number);
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** «30.11.2026» (or «30.11.2026» with single digits, «1.2.2026») → ISO «2026-11-30»; null when it is not a real date. */
export function isoFromNorwegianDate(text: string): string | null {
  const m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** ISO «2026-11-30» → «30.11.2026» (what the date field shows). */
export function norwegianFromIsoDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** Today in this browser's time zone as ISO `YYYY-MM-DD` (a date input's value). */
export function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

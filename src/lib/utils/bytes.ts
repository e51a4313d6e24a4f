import { numberFormat } from './number-format';

/**
 * "12 MB", "1.5 kB": a byte count in the largest decimal unit that keeps it at 1 or more, never
 * below kilobytes (a storage total of a few bytes reads as "0.1 kB", not "123 byte").
 */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = Math.max(0, bytes) / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return numberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/**
 * Intl.NumberFormat objects, made once per locale and options: making one costs far more than
 * formatting with it, and token counts and prices are formatted on every keystroke and reply.
 */
const formats = new Map<string, Intl.NumberFormat>();

export function numberFormat(
  locale: string | undefined,
  options: Intl.NumberFormatOptions = {},
): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

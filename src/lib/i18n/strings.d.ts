/**
 * The parts of each catalog, made by the strings-split plugin (scripts/strings-split.mjs): key ->
 * text. Typed loosely here (an ambient module cannot import the key type); index.svelte.ts reads
 * them as parts of the English catalog's keys.
 */
declare module 'virtual:parley-strings/*' {
  const strings: Readonly<Record<string, string>>;
  export default strings;
}

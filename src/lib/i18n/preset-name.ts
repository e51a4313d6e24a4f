/** A preset's name as shown: a built-in's in the page's language, the person's as typed. */
import type { Preset } from '../domain/types';
import { t, type MessageKey } from './index.svelte';

const BUILT_IN_NAMES: ReadonlyMap<string, MessageKey> = new Map([
  ['builtin:precise', 'preset.builtin.precise'],
  ['builtin:balanced', 'preset.builtin.balanced'],
  ['builtin:creative', 'preset.builtin.creative'],
]);

export function presetName(preset: Preset): string {
  const key = BUILT_IN_NAMES.get(preset.id);
  if (key) return t(key);
  return preset.name === '' ? t('preset.untitled') : preset.name;
}

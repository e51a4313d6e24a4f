/**
 * A settings draft checked before it is saved (SettingsState.verifyAndSave and saveUnchecked):
 * the key, the Base URL or Azure endpoint and api-version, the passphrase, and the question asked
 * before the saved key goes to a new origin. Loaded with the first save, not with the page.
 */
import {
  apiVersionProblem,
  keyProblem,
  normalizeAzureEndpoint,
  normalizeBaseUrl,
  passphraseProblem,
  sameOrigin,
  type PassphraseProblem,
} from '../domain/settings';
import type { EncryptedKey, KeyMode, Provider, Settings } from '../domain/types';
import type { SaveOutcome, SettingsDraft } from './settings.svelte';

/** The encryption to store with a save: a new one, the one already stored, or none. */
export type KeyPlan =
  | { type: 'encrypt'; passphrase: string }
  | { type: 'keep'; encryptedKey: EncryptedKey }
  | { type: 'none' };

export interface Connection {
  apiKey: string;
  baseUrl: string;
  provider: Provider;
  azureApiVersion: string | null;
  organization: string | null;
  project: string | null;
}

/** A draft that passed every check: what to save, how to keep the key, and its encryption. */
export interface ParsedDraft {
  connection: Connection;
  keyMode: KeyMode;
  plan: KeyPlan;
}

export function parseDraft(
  current: Settings,
  inForce: { provider: Provider; keyMode: KeyMode },
  draft: SettingsDraft,
): ParsedDraft | SaveOutcome {
  const provider = draft.provider ?? inForce.provider;
  const isAzure = provider === 'azure';
  const baseUrl = isAzure ? normalizeAzureEndpoint(draft.baseUrl) : normalizeBaseUrl(draft.baseUrl);
  const apiKey = draft.apiKey.trim() === '' ? (current.apiKey ?? '') : draft.apiKey.trim();
  const problem = keyProblem(apiKey);
  if (problem) return { type: 'invalid', field: 'apiKey', problem };
  if (baseUrl === null) return { type: 'invalid', field: 'baseUrl' };
  const version = draft.azureApiVersion?.trim();
  const versionProblem = version === undefined ? null : apiVersionProblem(version);
  const azureApiVersion =
    version !== undefined && versionProblem === null ? version : current.azureApiVersion;
  if (isAzure && versionProblem !== null) {
    return { type: 'invalid', field: 'azureApiVersion', problem: versionProblem };
  }
  if (isAzure && azureApiVersion === null) {
    return { type: 'invalid', field: 'azureApiVersion', problem: 'required' };
  }
  const keyMode = draft.keyMode ?? inForce.keyMode;
  const plan = keyPlan(current, keyMode, apiKey, draft);
  if ('problem' in plan) return { type: 'invalid', field: 'passphrase', problem: plan.problem };
  // Last, once everything else is valid: the question is the only thing left between the
  // person and the save (and the key check that sends the key).
  const isSavedKey = draft.apiKey.trim() === '' && current.apiKey !== null;
  const target = new URL(baseUrl);
  if (
    isSavedKey &&
    !sameOrigin(baseUrl, current.baseUrl) &&
    draft.confirmedOrigin !== target.origin
  ) {
    return { type: 'confirm_origin', origin: target.origin, host: target.host };
  }
  const optional = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    connection: {
      apiKey,
      baseUrl,
      provider,
      azureApiVersion,
      organization: optional(draft.organization),
      project: optional(draft.project),
    },
    keyMode,
    plan,
  };
}

function keyPlan(
  current: Settings,
  keyMode: KeyMode,
  apiKey: string,
  draft: SettingsDraft,
): KeyPlan | { problem: PassphraseProblem } {
  if (keyMode !== 'passphrase') return { type: 'none' };
  const passphrase = draft.passphrase ?? '';
  const repeat = draft.passphraseRepeat ?? '';
  // Saving other settings while locked: the same key stays under the same passphrase.
  if (
    passphrase === '' &&
    repeat === '' &&
    current.encryptedKey !== null &&
    current.apiKey === apiKey
  ) {
    return { type: 'keep', encryptedKey: current.encryptedKey };
  }
  const problem = passphraseProblem(passphrase, repeat);
  return problem ? { problem } : { type: 'encrypt', passphrase };
}

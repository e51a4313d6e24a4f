/**
 * What the vault can fail with, and whether it can run here: apart from vault.ts so the page can
 * ask and tell these apart without loading the vault itself (it loads when a key is locked or
 * unlocked).
 */
export type VaultErrorKind =
  /** The passphrase does not open this key (or the record was altered: GCM cannot tell which). */
  | 'wrong_passphrase'
  /** The stored record cannot be read at all (not base64, wrong sizes, absurd iteration count). */
  | 'damaged'
  /** No WebCrypto here: an insecure (plain http) page or a very old browser. */
  | 'insecure_context';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly kind: VaultErrorKind;

  constructor(kind: VaultErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export function isVaultAvailable(): boolean {
  return typeof crypto !== 'undefined' && typeof crypto.subtle !== 'undefined';
}

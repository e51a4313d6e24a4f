/**
 * The API key encrypted with a passphrase ("Locked with a passphrase"), with WebCrypto only.
 *
 * PBKDF2-HMAC-SHA-256 over a random 16-byte salt stretches the passphrase into a non-extractable
 * AES-GCM 256-bit key; each encryption takes a fresh random 12-byte IV. 600,000 iterations is
 * OWASP's 2023 figure for PBKDF2-SHA-256 (Password Storage Cheat Sheet); the count is stored
 * with the ciphertext, so a later, higher default still opens keys locked today.
 *
 * AES-GCM authenticates what it decrypts: a wrong passphrase, or any changed byte of ciphertext,
 * IV or salt, fails the tag check. `decryptKey` therefore returns exactly the key that was
 * encrypted or throws a VaultError; it never hands back a garbled key.
 *
 * WebCrypto's `subtle` exists only in secure contexts (https, or http://localhost): on a plain
 * http page this mode is unavailable (`isVaultAvailable`).
 */
import type { EncryptedKey } from '../domain/types';

export const PBKDF2_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const IV_BYTES = 12;
/**
 * A stored record asking for more than this is refused as damaged: a tampered iteration count
 * of 2^31 would otherwise freeze the unlock screen for hours.
 */
const MAX_ITERATIONS = 10_000_000;

import { isVaultAvailable, VaultError } from './vault-errors';

export { isVaultAvailable, VaultError, type VaultErrorKind } from './vault-errors';

/** Encrypts `apiKey` under `passphrase`. Takes a noticeable moment (the PBKDF2 iterations). */
export async function encryptKey(apiKey: string, passphrase: string): Promise<EncryptedKey> {
  const subtle = requireSubtle();
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await deriveKey(subtle, passphrase, salt, PBKDF2_ITERATIONS);
  const ciphertext = await subtle.encrypt(
    { name: 'AES-GCM', iv },
    key,
    new TextEncoder().encode(apiKey),
  );
  return {
    ciphertext: toBase64(new Uint8Array(ciphertext)),
    iv: toBase64(iv),
    salt: toBase64(salt),
    iterations: PBKDF2_ITERATIONS,
  };
}

/** The key `encryptKey` locked, or a VaultError (`wrong_passphrase` for a wrong passphrase). */
export async function decryptKey(encrypted: EncryptedKey, passphrase: string): Promise<string> {
  const subtle = requireSubtle();
  const { iterations } = encrypted;
  const salt = fromBase64(encrypted.salt);
  const iv = fromBase64(encrypted.iv);
  const ciphertext = fromBase64(encrypted.ciphertext);
  if (
    !salt ||
    !iv ||
    !ciphertext ||
    iv.length !== IV_BYTES ||
    salt.length === 0 ||
    !Number.isSafeInteger(iterations) ||
    iterations < 1 ||
    iterations > MAX_ITERATIONS
  ) {
    throw new VaultError('damaged', 'The stored encrypted key is damaged.');
  }
  const key = await deriveKey(subtle, passphrase, salt, iterations);
  let plain: ArrayBuffer;
  try {
    plain = await subtle.decrypt({ name: 'AES-GCM', iv }, key, ciphertext);
  } catch {
    // OperationError: the authentication tag did not match.
    throw new VaultError('wrong_passphrase', 'The passphrase does not unlock the key.');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new VaultError('damaged', 'The stored encrypted key is damaged.');
  }
}

function requireSubtle(): SubtleCrypto {
  if (!isVaultAvailable()) {
    throw new VaultError('insecure_context', 'Encryption needs a secure (https) page.');
  }
  return crypto.subtle;
}

async function deriveKey(
  subtle: SubtleCrypto,
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    // Non-extractable: even script running in the page cannot read the derived key's bytes.
    false,
    ['encrypt', 'decrypt'],
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

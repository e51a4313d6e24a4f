import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EncryptedKey } from '../domain/types';
import { decryptKey, encryptKey, isVaultAvailable, PBKDF2_ITERATIONS, VaultError } from './vault';

const KEY = 'sk-proj-vault-test-0123456789abcdef';
const PASSPHRASE = 'correct horse battery staple';

function bytes(base64: string): number[] {
  return Array.from(atob(base64), (char) => char.charCodeAt(0));
}

/** Flips one bit of a base64 field, keeping it valid base64 of the same length. */
function flipped(base64: string, index = 0): string {
  const raw = bytes(base64);
  raw[index] = (raw[index] ?? 0) ^ 1;
  return btoa(String.fromCharCode(...raw));
}

async function rejection(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('vault (Node 20 WebCrypto)', () => {
  it('round-trips a key', async () => {
    const encrypted = await encryptKey(KEY, PASSPHRASE);
    expect(await decryptKey(encrypted, PASSPHRASE)).toBe(KEY);
  });

  it('round-trips non-ASCII passphrases and keys', async () => {
    const encrypted = await encryptKey('sk-ключ-密钥-🔑', '密码 пароль 🔒');
    expect(await decryptKey(encrypted, '密码 пароль 🔒')).toBe('sk-ключ-密钥-🔑');
  });

  it('stores the iteration count, a 16-byte salt and a 12-byte IV, and no plaintext', async () => {
    const encrypted = await encryptKey(KEY, PASSPHRASE);
    expect(encrypted.iterations).toBe(PBKDF2_ITERATIONS);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(bytes(encrypted.salt)).toHaveLength(16);
    expect(bytes(encrypted.iv)).toHaveLength(12);
    // AES-GCM: ciphertext is as long as the plaintext plus the 16-byte tag.
    expect(bytes(encrypted.ciphertext)).toHaveLength(new TextEncoder().encode(KEY).length + 16);
    const serialised = JSON.stringify(encrypted);
    expect(serialised).not.toContain(KEY);
    expect(serialised).not.toContain(PASSPHRASE);
    expect(serialised).not.toContain(btoa(KEY).slice(0, 12));
  });

  it('uses a fresh random salt and IV every time', async () => {
    const [a, b] = await Promise.all([encryptKey(KEY, PASSPHRASE), encryptKey(KEY, PASSPHRASE)]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(await decryptKey(b, PASSPHRASE)).toBe(KEY);
  });

  it('a wrong passphrase is a typed error, never a garbled key', async () => {
    const encrypted = await encryptKey(KEY, PASSPHRASE);
    for (const wrong of ['', 'correct horse battery stapl', `${PASSPHRASE} `]) {
      const error = await rejection(decryptKey(encrypted, wrong));
      expect(error.kind).toBe('wrong_passphrase');
      expect(error.message).not.toContain(KEY);
    }
  });

  it.each(['ciphertext', 'iv', 'salt'] as const)(
    'a tampered %s is refused like a wrong passphrase',
    async (field) => {
      const encrypted = await encryptKey(KEY, PASSPHRASE);
      const tampered: EncryptedKey = { ...encrypted, [field]: flipped(encrypted[field], 3) };
      expect((await rejection(decryptKey(tampered, PASSPHRASE))).kind).toBe('wrong_passphrase');
    },
  );

  it('a changed iteration count is refused (it derives another key)', async () => {
    const encrypted = await encryptKey(KEY, PASSPHRASE);
    const tampered = { ...encrypted, iterations: encrypted.iterations - 1 };
    expect((await rejection(decryptKey(tampered, PASSPHRASE))).kind).toBe('wrong_passphrase');
  });

  it('opens a record made elsewhere with another iteration count (the stored one is used)', async () => {
    // Built independently with WebCrypto at 1,000 iterations: what a Parley with another default
    // would have stored. Also pins the format: PBKDF2-SHA-256 -> AES-GCM-256, base64 fields.
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const material = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(PASSPHRASE),
      'PBKDF2',
      false,
      ['deriveKey'],
    );
    const aes = await crypto.subtle.deriveKey(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1000 },
      material,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt'],
    );
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      aes,
      new TextEncoder().encode(KEY),
    );
    const base64 = (data: Uint8Array) => btoa(String.fromCharCode(...data));
    const record: EncryptedKey = {
      ciphertext: base64(new Uint8Array(sealed)),
      iv: base64(iv),
      salt: base64(salt),
      iterations: 1000,
    };
    expect(await decryptKey(record, PASSPHRASE)).toBe(KEY);
  });

  it.each([
    ['ciphertext that is not base64', { ciphertext: '***' }],
    ['an IV of the wrong size', { iv: btoa('short') }],
    ['an absurd iteration count', { iterations: 2 ** 31 }],
    ['a fractional iteration count', { iterations: 1.5 }],
  ])('a record with %s is damaged', async (_label, change) => {
    const encrypted = await encryptKey(KEY, PASSPHRASE);
    const error = await rejection(decryptKey({ ...encrypted, ...change }, PASSPHRASE));
    expect(error.kind).toBe('damaged');
  });

  it('says so when WebCrypto is missing (an insecure page)', async () => {
    expect(isVaultAvailable()).toBe(true);
    vi.stubGlobal('crypto', {});
    expect(isVaultAvailable()).toBe(false);
    expect((await rejection(encryptKey(KEY, PASSPHRASE))).kind).toBe('insecure_context');
  });
});

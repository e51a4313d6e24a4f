import { describe, expect, it } from 'vitest';
import { toPlain } from './plain';

describe('toPlain', () => {
  it('copies proxies at any depth into plain objects and arrays that structuredClone accepts', () => {
    const record = { id: 'm1', usage: { totalTokens: 2 }, extra: [{ a: 1 }], missing: null };
    const proxied = new Proxy(
      {
        ...record,
        usage: new Proxy(record.usage, {}),
        extra: new Proxy([new Proxy({ a: 1 }, {})], {}),
      },
      {},
    );
    expect(() => structuredClone(proxied)).toThrow();

    const copy = toPlain(proxied);

    expect(structuredClone(copy)).toEqual(record);
    expect(Object.getPrototypeOf(copy.usage)).toBe(Object.prototype);
    expect(Array.isArray(copy.extra)).toBe(true);
  });
});

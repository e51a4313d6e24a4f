import { describe, expect, it } from 'vitest';
import { numberFormat } from './number-format';

describe('numberFormat', () => {
  it('formats as Intl.NumberFormat does', () => {
    expect(numberFormat('en-US').format(12345.5)).toBe('12,345.5');
    expect(numberFormat('de-DE', { maximumFractionDigits: 0 }).format(12345.5)).toBe('12.346');
  });

  it('makes one object per locale and options, and keeps them apart', () => {
    const options = { style: 'currency', currency: 'USD' } as const;
    expect(numberFormat('en-US', options)).toBe(numberFormat('en-US', { ...options }));
    expect(numberFormat('en-US', options)).not.toBe(numberFormat('zh-CN', options));
    expect(numberFormat('en-US')).not.toBe(numberFormat('en-US', options));
  });
});

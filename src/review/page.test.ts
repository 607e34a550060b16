import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { cookie } from './page.ts';

const request = (header: string) => ({ headers: { cookie: header } }) as unknown as FastifyRequest;

describe('cookie', () => {
  it('reads a cookie by name, decoded', () => {
    expect(cookie(request('a=1; oc_review_lang=en; b=x%20y'), 'oc_review_lang')).toBe('en');
    expect(cookie(request('a=1; b=x%20y'), 'b')).toBe('x y');
    expect(cookie(request('a=1'), 'oc_review_lang')).toBeUndefined();
  });

  it('takes a malformed value as no cookie instead of throwing', () => {
    expect(cookie(request('oc_review_lang=%E0%A4%A'), 'oc_review_lang')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { MessageOrigin } from '../domain/extraction.ts';
import { type Arrival, authenticate, DEFAULT_IDENTITY, senderIdentity } from './identity.ts';

const mail = (over: Partial<Arrival> = {}): Arrival => ({
  channel: 'email',
  sender: null,
  customer_id: null,
  meta: {},
  ...over,
});
const origin = (over: Partial<MessageOrigin> = {}): MessageOrigin => ({
  from: 'compras@ferreterialopez.es',
  to: ['pedidos@proveedor.es'],
  faxNumber: null,
  authenticationResults: [],
  ...over,
});

describe('senderIdentity', () => {
  it('takes the token, then the From: header, then the envelope sender', () => {
    expect(
      senderIdentity(mail({ meta: { authenticatedCustomer: 'C107' } }), undefined, DEFAULT_IDENTITY),
    ).toEqual({
      kind: 'token',
      customerId: 'C107',
    });
    expect(senderIdentity(mail({ sender: 'bounce@esp.example' }), origin(), DEFAULT_IDENTITY)).toMatchObject({
      kind: 'email',
      address: 'compras@ferreterialopez.es',
    });
    expect(senderIdentity(mail({ sender: 'A@B.es' }), undefined, DEFAULT_IDENTITY)).toMatchObject({
      kind: 'email',
      address: 'a@b.es',
    });
    expect(senderIdentity(mail(), origin({ from: null }), DEFAULT_IDENTITY).kind).toBe('missing');
  });

  it('knows a fax without caller number is trusted only from the supplier itself', () => {
    const fax = { channel: 'fax' as const, sender: null, customer_id: null };
    expect(senderIdentity({ ...fax, meta: {} }, undefined, DEFAULT_IDENTITY).kind).toBe('missing');
    expect(senderIdentity({ ...fax, meta: { trusted: true } }, undefined, DEFAULT_IDENTITY).kind).toBe(
      'none',
    );
    expect(senderIdentity({ ...fax, meta: { via: 'cli' } }, undefined, DEFAULT_IDENTITY).kind).toBe('none');
    expect(senderIdentity({ ...fax, sender: '+34912345678', meta: {} }, undefined, DEFAULT_IDENTITY)).toEqual(
      {
        kind: 'fax',
        number: '+34912345678',
        via: null,
      },
    );
    expect(senderIdentity({ ...fax, channel: 'scan', meta: {} }, undefined, DEFAULT_IDENTITY).kind).toBe(
      'none',
    );
  });

  it("believes a fax-to-mail number from the supplier's own domain as the connector knows it", () => {
    const fax = origin({ from: 'fax@proveedor.es', faxNumber: '+34912345678', to: ['x@proveedor.es'] });
    const viaSmtp = mail({ meta: { rcptTo: ['pedidos@proveedor.es'] } });
    expect(senderIdentity(viaSmtp, fax, DEFAULT_IDENTITY)).toMatchObject({
      kind: 'fax',
      via: 'fax@proveedor.es',
    });
    expect(
      senderIdentity(mail({ meta: { mailboxUser: 'pedidos@proveedor.es' } }), fax, DEFAULT_IDENTITY).kind,
    ).toBe('fax');
    // The To: header is the sender's own words: believed only for a file handed to extract.
    expect(senderIdentity(mail(), fax, DEFAULT_IDENTITY).kind).toBe('email');
    expect(senderIdentity(mail({ meta: { via: 'cli' } }), fax, DEFAULT_IDENTITY).kind).toBe('fax');
    // Configured gateways replace the guess.
    const pinned = { ...DEFAULT_IDENTITY, faxGateways: ['faxserver@proveedor.es'] };
    expect(senderIdentity(viaSmtp, fax, pinned).kind).toBe('email');
  });
});

describe('authenticate (Authentication-Results, RFC 8601)', () => {
  const trusted = ['mx.proveedor.es'];
  it('counts results aligned with the From: domain, from trusted authserv-ids only', () => {
    const h = 'mx.proveedor.es 1; dkim=pass (good signature) header.d=ferreterialopez.es header.s=s1';
    expect(authenticate([h], 'compras@ferreterialopez.es', trusted).pass).toMatch(/^DKIM pass/);
    expect(authenticate([h], 'compras@mail.ferreterialopez.es', trusted).pass).not.toBeNull();
    expect(authenticate([h], 'compras@otro.es', trusted)).toEqual({ pass: null, fail: null });
    expect(authenticate([h], 'compras@ferreterialopez.es', ['mx.other.es'])).toEqual({
      pass: null,
      fail: null,
    });
  });

  it('holds a fail unless another method passed (DMARC)', () => {
    const fail =
      'mx.proveedor.es; spf=fail smtp.mailfrom=compras@ferreterialopez.es; dmarc=fail header.from=ferreterialopez.es';
    expect(authenticate([fail], 'compras@ferreterialopez.es', trusted).fail).toMatch(/SPF fail/);
    const mixed =
      'mx.proveedor.es; spf=fail smtp.mailfrom=ferreterialopez.es; dkim=pass header.d=ferreterialopez.es';
    expect(authenticate([mixed], 'compras@ferreterialopez.es', trusted)).toMatchObject({ fail: null });
  });
});

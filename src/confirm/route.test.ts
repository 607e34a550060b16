import { describe, expect, it } from 'vitest';
import { route } from './outbox.ts';

/** Issue 19: a confirmation or rejection goes to the customer, never to whoever placed the order. */
describe('confirmation route', () => {
  const can = { email: true, ordrsp: true };
  const lopez = {
    preference: null,
    emails: ['compras@ferreterialopez.es', '@ferreterialopez.es'],
    edi_ids: ['8412345000003'],
  };

  it("answers the sender when it is one of the customer's addresses or domains", () => {
    expect(route({ ...lopez, channel: 'email', sender: 'compras@ferreterialopez.es' }, can)).toEqual({
      kind: 'email',
      recipient: 'compras@ferreterialopez.es',
    });
    expect(route({ ...lopez, channel: 'email', sender: 'Ana@FerreteriaLopez.es' }, can)).toEqual({
      kind: 'email',
      recipient: 'Ana@FerreteriaLopez.es',
    });
  });

  it('answers the address on file, never an unknown sender', () => {
    expect(route({ ...lopez, channel: 'email', sender: 'buyer@evil.example' }, can)).toEqual({
      kind: 'email',
      recipient: 'compras@ferreterialopez.es',
    });
    expect(
      route({ ...lopez, channel: 'email', sender: 'x@evil.example', emails: ['@ferreterialopez.es'] }, can),
    ).toEqual({
      kind: null,
      reason: 'the customer has no e-mail address',
    });
  });

  it('sends an ORDRSP to an EDI id on file, not to whatever id or token sent the order', () => {
    expect(route({ ...lopez, channel: 'edi', sender: 'C107' }, can)).toEqual({
      kind: 'ordrsp',
      recipient: '8412345000003',
    });
    expect(route({ ...lopez, channel: 'edi', sender: '8412345000003' }, can)).toEqual({
      kind: 'ordrsp',
      recipient: '8412345000003',
    });
  });
});

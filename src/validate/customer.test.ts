import { describe, expect, it } from 'vitest';
import { emptyEvidence } from '../domain/extraction.ts';
import { type CustomerKeys, customerKeys, needsNameLookup, resolveCustomer } from './customer.ts';
import type { CustomerFacts } from './types.ts';

function customer(id: string, over: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    id,
    name: `Customer ${id}`,
    taxId: null,
    emails: [],
    faxNumbers: [],
    ediIds: [],
    currency: 'EUR',
    creditLimit: null,
    ...over,
  };
}

const lopez = customer('C042', {
  name: 'Ferreteria Lopez SL',
  taxId: 'ESB12345678',
  emails: ['compras@ferreterialopez.es', '@ferreterialopez.es'],
  faxNumbers: ['+34912345678'],
  ediIds: ['8412345000003'],
});
const garcia = customer('C107', { ediIds: ['8412345000010'], emails: ['pedidos@sigarcia.es'] });

function keys(over: Partial<CustomerKeys>): CustomerKeys {
  const sent = over.senderEmail ?? over.senderFax ?? over.senderEdiId ?? over.sentById ?? null;
  return {
    channelId: null,
    sentById: null,
    sender: { kind: sent ? 'email' : 'none', label: sent ? `the sender ${sent}` : null, doubt: null },
    partyIds: [],
    senderEmail: null,
    senderFax: null,
    senderEdiId: null,
    claimedId: null,
    taxIds: [],
    docEmail: null,
    docFax: null,
    name: null,
    ...over,
  };
}

describe('customerKeys', () => {
  it('normalises what the channel and the document give', () => {
    const k = customerKeys({
      channel: 'email',
      sender: 'Compras <Compras@FerreteriaLopez.es>',
      channelCustomerId: null,
      claimedId: null,
      evidence: { ...emptyEvidence(), taxId: 'b-12345678', fax: '0034 91 234 56 78', name: ' Lopez ' },
    });
    expect(k).toMatchObject({
      senderEmail: 'compras@ferreterialopez.es',
      senderFax: null,
      docFax: '+34912345678',
      name: 'Lopez',
    });
    expect(k.taxIds).toEqual(expect.arrayContaining(['B12345678', 'ESB12345678']));
    expect(customerKeys({ ...baseSource(), channel: 'fax', sender: '+34 912 345 678' }).senderFax).toBe(
      '+34912345678',
    );
    expect(customerKeys({ ...baseSource(), channel: 'edi', sender: '8412345000003' }).senderEdiId).toBe(
      '8412345000003',
    );
  });
});

function baseSource() {
  return {
    channel: 'email' as const,
    sender: null,
    channelCustomerId: null,
    claimedId: null,
    evidence: emptyEvidence(),
  };
}

describe('resolveCustomer', () => {
  it('trusts the channel over any document evidence', () => {
    const r = resolveCustomer([lopez, garcia], keys({ channelId: 'C107', partyIds: ['8412345000003'] }));
    expect(r.customer?.id).toBe('C107');
    const missing = resolveCustomer([lopez], keys({ channelId: 'C999', partyIds: ['8412345000003'] }));
    expect(missing).toMatchObject({
      customer: null,
      message: 'The channel authenticated customer C999, which is not in master data',
    });
  });

  it('takes EDI party ids in order when the document alone decides', () => {
    const r = resolveCustomer([lopez, garcia], keys({ partyIds: ['0000000000000', '8412345000010'] }));
    expect(r).toEqual({ customer: garcia, via: 'EDI party id 8412345000010' });
  });

  it("never lets the document's buyer override the sender: another customer's is a mismatch", () => {
    const r = resolveCustomer(
      [lopez, garcia],
      keys({ partyIds: ['8412345000010'], senderEmail: 'compras@ferreterialopez.es' }),
    );
    expect(r).toEqual({
      customer: lopez,
      via: 'sender compras@ferreterialopez.es',
      mismatch:
        'The order is for customer C107 (EDI party id 8412345000010), but it was sent by the sender compras@ferreterialopez.es, which belongs to customer C042; it is checked against customer C042 only.',
    });
  });

  it('proposes the named customer of an unknown sender for a person to confirm', () => {
    const r = resolveCustomer([lopez], keys({ senderEmail: 'x@evil.example', taxIds: ['ESB12345678'] }));
    expect(r).toEqual({
      customer: lopez,
      via: 'tax id ESB12345678',
      mismatch:
        'The sender x@evil.example is not on file for any customer. The document names customer C042 (tax id ESB12345678): a person must confirm the order is theirs.',
    });
  });

  it('accepts a sender shared by several customers for the one the document names', () => {
    const other = customer('C900', { emails: ['@ferreterialopez.es'], taxId: 'ESB99999999' });
    const r = resolveCustomer(
      [lopez, other],
      keys({ senderEmail: 'otro@ferreterialopez.es', taxIds: ['ESB99999999'] }),
    );
    expect(r).toEqual({ customer: other, via: 'sender domain @ferreterialopez.es' });
  });

  it('doubts a sender a trusted gateway failed, and an outside arrival without a sender', () => {
    const doubted = resolveCustomer(
      [lopez],
      keys({
        senderEmail: 'compras@ferreterialopez.es',
        sender: { kind: 'email', label: 'the sender compras@ferreterialopez.es', doubt: 'DKIM failed' },
      }),
    );
    expect(doubted.customer?.id).toBe('C042');
    expect(doubted.mismatch).toMatch(
      /^The sender compras@ferreterialopez.es is on file for customer C042, but DKIM failed: it may be forged/,
    );
    const missing = resolveCustomer(
      [lopez],
      keys({
        taxIds: ['ESB12345678'],
        sender: { kind: 'missing', label: null, doubt: 'The fax came without a caller number' },
      }),
    );
    expect(missing.mismatch).toMatch(
      /^The fax came without a caller number\. The document names customer C042/,
    );
  });

  it('prefers an exact address to a domain, and skips an ambiguous domain', () => {
    const other = customer('C900', { emails: ['@ferreterialopez.es', 'jefe@ferreterialopez.es'] });
    expect(
      resolveCustomer([lopez, other], keys({ senderEmail: 'jefe@ferreterialopez.es' })).customer?.id,
    ).toBe('C900');
    const r = resolveCustomer(
      [lopez, other],
      keys({ senderEmail: 'otro@ferreterialopez.es', taxIds: ['X'] }),
    );
    expect(r).toMatchObject({
      customer: null,
      message:
        'No customer in master data matches sender otro@ferreterialopez.es, sender domain @ferreterialopez.es, tax id X; sender domain @ferreterialopez.es fits several customers (C042, C900)',
    });
  });

  it('falls back to fax, tax id, then the exact name', () => {
    expect(resolveCustomer([lopez], keys({ senderFax: '+34912345678' })).customer?.id).toBe('C042');
    expect(resolveCustomer([lopez], keys({ taxIds: ['B12345678', 'ESB12345678'] })).customer?.id).toBe(
      'C042',
    );
    expect(resolveCustomer([lopez], keys({ name: 'FERRETERIA LOPEZ SL' }))).toEqual({
      customer: lopez,
      via: 'name FERRETERIA LOPEZ SL',
    });
    expect(resolveCustomer([lopez], keys({ name: 'Ferreteria Lopez' })).customer).toBeNull();
  });

  it('says when there is nothing to go by', () => {
    expect(resolveCustomer([], keys({}))).toMatchObject({
      customer: null,
      message: 'No customer could be identified: the order gives no sender, EDI id, tax id or customer name',
    });
  });

  it('asks for the by-name lookup only when nothing else matched', () => {
    expect(needsNameLookup([lopez], keys({ senderFax: '+34912345678', name: 'x' }))).toBe(false);
    expect(needsNameLookup([], keys({ senderFax: '+34000000000', name: 'x' }))).toBe(true);
    expect(needsNameLookup([], keys({}))).toBe(false);
  });
});

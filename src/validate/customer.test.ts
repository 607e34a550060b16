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
  return {
    channelId: null,
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
      taxIds: ['B12345678', 'ESB12345678'],
      docFax: '+34912345678',
      name: 'Lopez',
    });
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

  it('takes EDI party ids in order, then the sender', () => {
    const r = resolveCustomer(
      [lopez, garcia],
      keys({ partyIds: ['0000000000000', '8412345000010'], senderEmail: 'compras@ferreterialopez.es' }),
    );
    expect(r).toEqual({ customer: garcia, via: 'EDI party id 8412345000010' });
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

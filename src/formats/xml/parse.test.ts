import { describe, expect, it } from 'vitest';
import { at, decodeXml, parseXml, textAt, XmlError } from './parse.ts';

describe('the XML reader', () => {
  it('resolves namespaces, keeps text and attributes, and gives each element its path', () => {
    const root = parseXml(`<?xml version="1.0"?>
<!-- a comment -->
<Order xmlns="urn:o" xmlns:cbc="urn:b"><cbc:ID a="1&amp;2">PO &lt;1&gt; &#x20AC;</cbc:ID>
  <L><cbc:Q>1</cbc:Q></L><L><cbc:Q><![CDATA[<2>]]></cbc:Q></L></Order>`);
    expect(root.ns).toBe('urn:o');
    const id = at(root, 'ID')!;
    expect([id.ns, id.attrs.a, id.text, id.path]).toEqual(['urn:b', '1&2', 'PO <1> €', '/Order/cbc:ID']);
    expect(root.children[2]!.children[0]!.path).toBe('/Order/L[2]/cbc:Q');
    expect(textAt(root.children[2], 'Q')).toBe('<2>');
  });

  it('skips a DOCTYPE that names a DTD (cXML) without fetching it', () => {
    const root = parseXml(
      '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd"><cXML/>',
    );
    expect(root.local).toBe('cXML');
  });

  it.each([
    [
      'an entity declaration (XXE, billion laughs)',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
    ['an undeclared entity', '<x>&nbsp;</x>'],
    ['a bad character reference', '<x>&#0;</x>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['a cut-off file', '<a><b>text'],
    ['two roots', '<a/><b/>'],
    ['an undeclared prefix', '<p:a/>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['a repeated attribute', '<a x="1" x="2"/>'],
    ['text outside the root', 'junk<a/>'],
    ['nothing', '   '],
  ])('refuses %s with a reason', (_, text) => {
    expect(() => parseXml(text)).toThrow(XmlError);
  });

  it('refuses nesting deeper than any order', () => {
    expect(() => parseXml(`${'<a>'.repeat(300)}${'</a>'.repeat(300)}`)).toThrow(/deeper/);
  });

  it('decodes by BOM and by the declared encoding', () => {
    expect(
      decodeXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', 'latin1')),
    ).toContain('<a>é</a>');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>ñ</a>', 'utf16le')]);
    expect(parseXml(decodeXml(utf16)).text).toBe('ñ');
  });
});

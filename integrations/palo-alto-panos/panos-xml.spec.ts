import { escapeXml, lines, parseXml, parseXmlFragment, textAt, XmlParseError } from './panos-xml';

describe('PAN-OS XML reader', () => {
  it("reads PAN-OS's answers: spaced, single-quoted attributes, CDATA lines and entities", () => {
    const keygen = parseXml(
      "<?xml version='1.0'?>\n<response status = 'success'><result><key>K&amp;Y==</key></result></response>",
    );
    expect(keygen.attrs).toEqual({ status: 'success' });
    expect(textAt(keygen, 'result', 'key')).toBe('K&Y==');

    const error = parseXml(
      '<response status="error" code="10"><msg><line><![CDATA[ x cannot be deleted because of references from:]]></line>' +
        '<line>address-group -&gt; g -&gt; static</line></msg></response>',
    );
    expect(lines(error.children[0])).toEqual([
      'x cannot be deleted because of references from:',
      'address-group -> g -> static',
    ]);
    expect(lines(parseXml('<msg>command succeeded</msg>'))).toEqual(['command succeeded']);
    expect(textAt(parseXml('<a><b>&#65;&#x42;</b></a>'), 'b')).toBe('AB');
  });

  it('refuses DTDs (no entity expansion, no external references) and malformed documents', () => {
    const bomb = '<!DOCTYPE r [<!ENTITY a "aaaa">]><response>&a;</response>';
    expect(() => parseXml(bomb)).toThrow(XmlParseError);
    expect(() => parseXml('<a><b></a>')).toThrow('</a> closes <b>');
    expect(() => parseXml('<a>')).toThrow(XmlParseError);
    expect(() => parseXml('<a x=1/>')).toThrow('not quoted');
    expect(() => parseXml('<a/><b/>')).toThrow('content after the root');
    expect(textAt(parseXml('<a><b>&unknown;</b></a>'), 'b')).toBe('&unknown;');
  });

  it('reads element fragments and escapes text for building them', () => {
    expect(
      parseXmlFragment('<ip-netmask>1.2.3.4/32</ip-netmask><description>a</description>').map((e) => e.name),
    ).toEqual(['ip-netmask', 'description']);
    expect(escapeXml(`<x a="1">'&'</x>`)).toBe('&lt;x a=&quot;1&quot;&gt;&apos;&amp;&apos;&lt;/x&gt;');
  });
});

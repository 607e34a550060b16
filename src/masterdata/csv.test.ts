import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads RFC 4180 quoting and knows where each record starts', () => {
    const text = '\ufeffid,name\r\nC1,"Lopez, ""El Ferretero"""\r\n\r\nC2,"two\nlines"\r\nC3,x\r\n';
    expect(parseCsv(text)).toEqual({
      records: [
        { line: 1, fields: ['id', 'name'] },
        { line: 2, fields: ['C1', 'Lopez, "El Ferretero"'] },
        { line: 4, fields: ['C2', 'two\nlines'] },
        { line: 6, fields: ['C3', 'x'] },
      ],
      problems: [],
    });
  });

  it('keeps a quote inside an unquoted field and skips lines of only commas', () => {
    const { records } = parseCsv('sku,description\nTIR,Tirafondo 1/4" x 2"\n,,\nX,y');
    expect(records.map((r) => r.fields)).toEqual([
      ['sku', 'description'],
      ['TIR', 'Tirafondo 1/4" x 2"'],
      ['X', 'y'],
    ]);
  });

  it('reports a malformed record and goes on with the next line', () => {
    const { records, problems } = parseCsv('a,b\n1,"bad"x\n2,ok\n3,"never closed\n4,ok\n');
    expect(problems).toEqual([
      {
        line: 2,
        message: 'unexpected text after a closing quote: "x" (a quote inside a quoted value is written "")',
      },
      { line: 4, message: 'a quoted field is never closed' },
    ]);
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [3, '2'],
      [5, '4'],
    ]);
  });

  it('handles a last line without line break and old Mac line ends', () => {
    expect(parseCsv('a\rb\r"c"').records).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
      { line: 3, fields: ['c'] },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { winmailDat } from './testing.ts';
import { CORPUS, corpusPresent } from '../../testing/services.ts';
import { TnefError, tnefAttachments } from './tnef.ts';

const DIR = join(CORPUS, 'mimekit/tnef');
const read = (name: string) => tnefAttachments(readFileSync(join(DIR, name)));

describe('winmail.dat (TNEF)', () => {
  it.skipIf(!corpusPresent)('gives the attachments of the corpus files, named as MimeKit names them', () => {
    expect(
      read('attachments.tnef')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['bookmark.htm', 'zappa_av1.jpg']);
    expect(read('two-files.tnef').map((a) => a.name)).toEqual(['AUTHORS', 'README']);
    expect(read('unicode-mapi-attr.tnef').map((a) => a.name)).toEqual(['example.dat']);
    // Two embedded pictures without file names.
    expect(read('winmail.tnef')).toHaveLength(2);
    expect(read('body.tnef')).toEqual([]);
    expect(read('two-files.tnef').map((a) => a.bytes.length)).toEqual([244, 893]);
  });

  it('keeps what it read when junk follows, refuses what is no TNEF at all', () => {
    expect(read('garbage-at-end.tnef').length).toBeGreaterThanOrEqual(0);
    expect(() => tnefAttachments(Buffer.from('not a winmail.dat'))).toThrow(TnefError);
    expect(() =>
      tnefAttachments(winmailDat([{ name: 'a.pdf', bytes: Buffer.alloc(10) }]).subarray(0, 12)),
    ).toThrow(TnefError);
  });

  it('reads back what Outlook-style writing put in', () => {
    const dat = winmailDat([
      { name: 'pedido.pdf', bytes: Buffer.from('%PDF-1.4 ...') },
      { name: 'nota.txt', bytes: Buffer.from('hola') },
    ]);
    expect(tnefAttachments(dat).map((a) => [a.name, a.bytes.toString()])).toEqual([
      ['pedido.pdf', '%PDF-1.4 ...'],
      ['nota.txt', 'hola'],
    ]);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faxNumberFromFilename, faxNumberFromSidecar, findFaxSender, normaliseFaxNumber } from './sender.ts';

describe('fax sender', () => {
  it('normalises numbers to +E.164', () => {
    expect(normaliseFaxNumber('0034 912 345 678')).toBe('+34912345678');
    expect(normaliseFaxNumber('+34 (91) 234-5678')).toBe('+34912345678');
    expect(normaliseFaxNumber('912345678')).toBe('912345678');
    expect(normaliseFaxNumber('123')).toBeNull();
  });

  it('reads the number from gateway file names', () => {
    expect(faxNumberFromFilename('fax-+34912345678-20261120T0930.tif')).toBe('+34912345678');
    expect(faxNumberFromFilename('0034912345678_001.pdf')).toBe('+34912345678');
    expect(faxNumberFromFilename('scan-0001.tif')).toBeNull();
    expect(faxNumberFromFilename('fax-+34912345678-0001.tif')).toBe('+34912345678');
  });

  it('reads the number from sidecar records', () => {
    expect(faxNumberFromSidecar('Job: 42\nFrom: +34 912 345 678\nPages: 2\n')).toBe('+34912345678');
    expect(faxNumberFromSidecar('CallerID=0034912345678')).toBe('+34912345678');
    expect(faxNumberFromSidecar('{"sender": "+34912345678", "pages": 1}')).toBe('+34912345678');
    expect(faxNumberFromSidecar('<fax><tsi>+34 91 234 56 78</tsi></fax>')).toBe('+34912345678');
  });

  it('prefers a sidecar to the file name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-fax-'));
    await writeFile(join(dir, 'fax-+34999999999.tif'), 'x');
    await writeFile(join(dir, 'fax-+34999999999.txt'), 'From: +34912345678\n');
    expect(await findFaxSender(join(dir, 'fax-+34999999999.tif'))).toBe('+34912345678');
    await writeFile(join(dir, 'fax-+34911111111.tif'), 'x');
    expect(await findFaxSender(join(dir, 'fax-+34911111111.tif'))).toBe('+34911111111');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundDocument } from '../../src/domain/document.ts';
import { silentLogger } from '../../src/log.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/db.ts';
import { createFaxFolder } from '../fax-folder/index.ts';
import { findFaxSender, MAX_SIDECAR_BYTES } from '../fax-folder/sender.ts';
import { DropFolder, type DropFolderOptions, fitName } from './index.ts';

/** Every file and folder under `root`, relative, sorted. */
async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      out.push(relative(root, path));
      if (e.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out.sort();
}

describe('file names that must fit', () => {
  it('are shortened in their stem, keeping the extension', () => {
    expect(fitName('a.tif')).toBe('a.tif');
    const cut = fitName(`${'é'.repeat(200)}.tif`, 11);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(244);
    expect(cut.endsWith('.tif')).toBe(true);
  });
});

describe('drop folder: hostile file names and files', () => {
  let t: TestDatabase;
  let root: string;
  let dir: string;
  beforeEach(async () => {
    t = await createTestDatabase();
    root = await mkdtemp(join(tmpdir(), 'oc-traversal-'));
    dir = join(root, 'inbox');
    await mkdir(dir);
    await writeFile(join(root, 'outside.txt'), 'From: +34911111111\n');
  });
  afterEach(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  const folder = (opts: Partial<DropFolderOptions> = {}) =>
    new DropFolder({
      dir,
      channel: 'fax',
      stableMs: 0,
      pollMs: 10,
      maxBytes: 1024,
      submit: (doc) => submit(t.db, doc),
      log: silentLogger,
      ...opts,
    });

  it('keeps every file a sender names inside its folder, whatever the name', async () => {
    const long = `${'n'.repeat(251)}.tif`; // 255 bytes, the most a file name may have
    const names = [
      'x..%2F..%2Fetc%2Fpasswd.tif',
      'a\\..\\..\\evil.tif',
      '-rf .tif',
      'línea\nnueva.tif',
      long,
    ];
    // Names starting with a dot are files still being written (gateways' convention): left alone.
    await writeFile(join(dir, '..\\..\\hidden.tif'), 'II*\0');
    for (const name of names) await writeFile(join(dir, name), 'II*\0');
    // A second file of the longest name, arriving after the first was moved: a suffix must still fit.
    const f = folder();
    expect(await f.scan()).toBe(names.length);
    await writeFile(join(dir, long), 'II*\0 again');
    expect(await f.scan()).toBe(1);
    // A link to a file outside and a folder named like a document are not taken.
    await symlink(join(root, 'outside.txt'), join(dir, 'link.tif'));
    await mkdir(join(dir, 'folder.tif'));
    expect(await f.scan()).toBe(0);

    const processed = await readdir(join(dir, 'processed'));
    expect(processed).toHaveLength(names.length + 1);
    expect(processed).toEqual(expect.arrayContaining(names.filter((n) => n !== long)));
    expect(processed).toContain(long);
    expect(processed.every((n) => Buffer.byteLength(n) <= 255)).toBe(true);
    expect(processed.filter((n) => n.startsWith('nnnn'))).toHaveLength(2);
    // Outside the drop folder nothing was added, moved or changed.
    expect((await tree(root)).filter((p) => !p.startsWith('inbox'))).toEqual(['outside.txt']);
    expect(await readFile(join(root, 'outside.txt'), 'utf8')).toBe('From: +34911111111\n');
    expect((await stat(join(dir, 'link.tif'))).isFile()).toBe(true); // still there, untouched
    expect((await readdir(dir)).sort()).toEqual(
      ['..\\..\\hidden.tif', 'failed', 'folder.tif', 'link.tif', 'processed'].sort(),
    );
  });

  it('moves an oversized file with a 255-byte name to failed/, with its reason beside it', async () => {
    const long = `${'x'.repeat(251)}.pdf`;
    await writeFile(join(dir, long), Buffer.alloc(2048));
    await folder().scan();
    const failed = await readdir(join(dir, 'failed'));
    expect(failed).toHaveLength(2);
    const reason = failed.find((n) => n.endsWith('.reason.txt'))!;
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(255);
    expect(await readFile(join(dir, 'failed', reason), 'utf8')).toMatch(
      /2048 bytes, over the 1024-byte limit/,
    );
  });

  it('takes the other files when one cannot be taken, and still reports the failure', async () => {
    for (const name of ['a-bad.tif', 'b-good.tif']) await writeFile(join(dir, name), 'II*\0');
    const f = folder({
      submit: async (doc: InboundDocument) => {
        if (doc.filename === 'a-bad.tif') throw new Error('the database said no');
        return submit(t.db, doc);
      },
    });
    await expect(f.scan()).rejects.toThrow('the database said no');
    expect(await readdir(join(dir, 'processed'))).toEqual(['b-good.tif']);
    // The file that failed is kept for the next scan, not lost.
    expect((await readdir(dir)).sort()).toEqual(['a-bad.tif', 'failed', 'processed']);
  });

  it('reads fax sidecars without following links, blocking on pipes or reading without end', async () => {
    const fax = join(dir, 'fax-0001.tif');
    await writeFile(fax, 'II*\0');
    // A link planted under the sidecar's name, to a file outside with a number in it.
    await symlink(join(root, 'outside.txt'), join(dir, 'fax-0001.tif.txt'));
    // A named pipe nobody writes to: reading it would wait forever.
    execFileSync('mkfifo', [join(dir, 'fax-0001.xml')]);
    // A sidecar far larger than any gateway writes, with the number past the part that is read.
    await writeFile(join(dir, 'fax-0001.json'), `${' '.repeat(MAX_SIDECAR_BYTES)}"sender": "+34922222222"`);
    expect(await findFaxSender(fax)).toBeNull();

    const submitted: InboundDocument[] = [];
    const faxFolder = createFaxFolder({
      dir,
      stableMs: 0,
      pollMs: 10,
      maxBytes: 1024,
      submit: async (doc) => {
        submitted.push(doc);
        return submit(t.db, doc);
      },
      log: silentLogger,
    });
    expect(await faxFolder.scan()).toBe(1);
    expect(submitted.map((d) => [d.filename, d.sender])).toEqual([['fax-0001.tif', null]]);
    expect((await tree(root)).filter((p) => !p.startsWith('inbox'))).toEqual(['outside.txt']);
  });
});

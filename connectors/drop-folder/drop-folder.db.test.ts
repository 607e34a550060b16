import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundDocument } from '../../src/domain/document.ts';
import { silentLogger } from '../../src/log.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/db.ts';
import { mailSourceRef } from '../smtp/index.ts';
import { DropFolder, type DropFolderOptions } from './index.ts';

describe('drop folder', () => {
  let t: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'oc-drop-'));
  });
  afterEach(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const folder = (opts: Partial<DropFolderOptions> = {}) =>
    new DropFolder({
      dir,
      channel: 'edi',
      stableMs: 1000,
      pollMs: 10,
      maxBytes: 1024,
      submit: (doc) => submit(t.db, doc),
      log: silentLogger,
      ...opts,
    });
  const documents = () =>
    t.db.query<{ filename: string; sender: string | null }>(
      `SELECT filename, sender FROM documents ORDER BY id`,
    );

  it('takes a file only once it has stopped changing, then moves it to processed/', async () => {
    const f = folder();
    await writeFile(join(dir, 'a.edi'), 'UNB+UNOC:3');
    expect(await f.scan(0)).toBe(0);
    await writeFile(join(dir, 'a.edi'), 'UNB+UNOC:3+more');
    expect(await f.scan(2000)).toBe(0); // it grew: the clock starts again
    expect(await f.scan(2500)).toBe(0);
    expect(await f.scan(3100)).toBe(1);
    expect(await readdir(dir)).toEqual(['failed', 'processed']);
    expect(await readFile(join(dir, 'processed', 'a.edi'), 'utf8')).toBe('UNB+UNOC:3+more');
    expect((await documents()).map((d) => d.filename)).toEqual(['a.edi']);
  });

  it('ignores files still being written under a temporary name', async () => {
    const f = folder({ stableMs: 0 });
    await writeFile(join(dir, 'b.edi.part'), 'x');
    await writeFile(join(dir, '.c.edi'), 'x');
    await writeFile(join(dir, 'd.tmp'), 'x');
    expect(await f.scan()).toBe(0);
    expect(await documents()).toEqual([]);
  });

  it('moves an oversized file to failed/ with the reason beside it, unread', async () => {
    const f = folder({ stableMs: 0 });
    await writeFile(join(dir, 'big.edi'), Buffer.alloc(2048, 65));
    expect(await f.scan()).toBe(0);
    expect((await readdir(join(dir, 'failed'))).sort()).toEqual(['big.edi', 'big.edi.reason.txt']);
    expect(await readFile(join(dir, 'failed', 'big.edi.reason.txt'), 'utf8')).toMatch(
      /over the 1024-byte limit/,
    );
    expect(await documents()).toEqual([]);
  });

  it('stores a file once when the process died between storing and moving it', async () => {
    const crashing = folder({
      stableMs: 0,
      submit: async (doc: InboundDocument) => {
        await submit(t.db, doc);
        throw new Error('killed before the move');
      },
    });
    await writeFile(join(dir, 'e.edi'), "UNA:+.? '");
    await expect(crashing.scan()).rejects.toThrow('killed before the move');
    expect(await readdir(dir)).toContain('e.edi');

    expect(await folder({ stableMs: 0 }).scan()).toBe(1);
    expect(await readdir(join(dir, 'processed'))).toEqual(['e.edi']);
    expect(await documents()).toHaveLength(1);
  });

  it('keeps both files when a name repeats, and passes what describe() finds', async () => {
    const f = folder({
      stableMs: 0,
      describe: async (path) => ({ sender: path.endsWith('g.edi') ? '+34912345678' : null }),
    });
    await writeFile(join(dir, 'g.edi'), 'one');
    await f.scan();
    await writeFile(join(dir, 'g.edi'), 'two, a new order');
    await f.scan();
    expect((await readdir(join(dir, 'processed'))).sort()).toEqual(['g.1.edi', 'g.edi']);
    expect(await documents()).toEqual([
      { filename: 'g.edi', sender: '+34912345678' },
      { filename: 'g.edi', sender: '+34912345678' },
    ]);
  });
});

describe('drop folder with gateway sidecars', () => {
  it('does not take a sidecar for a document, and moves it with its document', async () => {
    const t = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'oc-drop-'));
    try {
      const f = new DropFolder({
        dir,
        channel: 'fax',
        stableMs: 0,
        pollMs: 10,
        maxBytes: 1 << 20,
        submit: (doc) => submit(t.db, doc),
        log: silentLogger,
        sidecarExtensions: ['.txt'],
      });
      await writeFile(join(dir, 'fax1.tif'), 'II*\0');
      await writeFile(join(dir, 'fax1.txt'), 'From: +34912345678');
      expect(await f.scan()).toBe(1);
      expect((await readdir(join(dir, 'processed'))).sort()).toEqual(['fax1.tif', 'fax1.txt']);
      expect(await t.db.query(`SELECT filename FROM documents`)).toEqual([{ filename: 'fax1.tif' }]);
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mail drop folder', () => {
  it('stores a message once when it also came by SMTP or IMAP (same Message-ID)', async () => {
    const t = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'oc-drop-mail-'));
    try {
      const raw = Buffer.from(
        'From: compras@ferreterialopez.es\r\nMessage-ID: <po-4711@ferreterialopez.es>\r\nSubject: Pedido\r\n\r\nPedido 4711\r\n',
      );
      // The SMTP listener stored it first.
      const first = await submit(t.db, {
        channel: 'email',
        sourceRef: mailSourceRef(raw)!,
        sender: 'compras@ferreterialopez.es',
        receivedAt: new Date(),
        filename: null,
        contentType: 'message/rfc822',
        bytes: raw,
      });
      const f = new DropFolder({
        dir,
        channel: 'email',
        stableMs: 0,
        pollMs: 10,
        maxBytes: 1 << 20,
        submit: (doc) => submit(t.db, doc),
        log: silentLogger,
        sourceRefOf: mailSourceRef,
      });
      await writeFile(join(dir, 'copy.eml'), raw);
      // A message without a Message-ID falls back to the file's identity.
      await writeFile(join(dir, 'anonymous.eml'), 'Subject: x\r\n\r\nbody\r\n');
      expect(await f.scan()).toBe(2);
      const docs = await t.db.query<{ id: number; source_ref: string }>(
        `SELECT id, source_ref FROM documents ORDER BY id`,
      );
      expect(docs).toEqual([
        { id: first.documentId, source_ref: 'message-id:<po-4711@ferreterialopez.es>' },
        { id: expect.any(Number), source_ref: expect.stringMatching(/^drop:.+\/anonymous\.eml:/) },
      ]);
      expect((await readdir(join(dir, 'processed'))).sort()).toEqual(['anonymous.eml', 'copy.eml']);
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

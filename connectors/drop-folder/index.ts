import { HealthState, type Monitored, type PartHealth } from '../../src/monitor/status.ts';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Channel, InboundDocument } from '../../src/domain/document.ts';
import type { Logger } from '../../src/log.ts';
import type { SubmitResult } from '../../src/pipeline/submit.ts';

export interface DropFolderOptions {
  /** Folder gateways write into; `processed/` and `failed/` are made inside it. */
  dir: string;
  channel: Channel;
  /** A file is taken once its size and mtime have not changed for this long. */
  stableMs: number;
  pollMs: number;
  /** Files larger than this are moved to failed/ with a reason, never read into memory. */
  maxBytes: number;
  submit: (doc: InboundDocument) => Promise<SubmitResult>;
  log: Logger;
  /** Channel-specific facts from the file (fax number from its name or a sidecar, ...). */
  describe?: (path: string) => Promise<Partial<Pick<InboundDocument, 'sender' | 'meta'>>>;
  /**
   * Extensions of sidecar files a gateway writes beside a document (`.txt`, `.xml`): never
   * documents themselves, they move to processed/ with the document they describe.
   */
  sidecarExtensions?: string[];
  /**
   * The file's own identity when it carries one (a mail message's Message-ID): the same message
   * reaching us also by IMAP or SMTP is then stored once. Null: the file's name, size and mtime.
   */
  sourceRefOf?: (bytes: Buffer) => string | null;
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

/** Names gateways use while a file is still being written, and our own folders. */
const IGNORED = /^\.|\.(tmp|part|partial|filepart|crdownload|lock)$/i;

/**
 * A watched drop folder as fax gateways and EDI translators write it. Polling, not fs.watch:
 * it works on network mounts and sees files that arrived while the service was down. A file is
 * taken only when it has stopped growing, stored through `submit`, and only then moved to
 * `processed/`; if the process dies in between, the next scan submits it again and `submit`
 * recognises it by its source reference (name, mtime and size), so it is stored once.
 */
export class DropFolder implements Monitored {
  readonly kind = 'connector';
  private readonly state = new HealthState();
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly opts: DropFolderOptions) {}

  get channel(): Channel {
    return this.opts.channel;
  }

  get name(): string {
    return `${this.opts.channel} drop folder ${this.opts.dir}`;
  }

  health(): PartHealth {
    return this.state.get();
  }

  async start(): Promise<void> {
    await this.ensureFolders();
    this.stopped = false;
    this.state.set('running');
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    this.state.set('stopped');
  }

  /** One pass over the folder; returns the number of files submitted. */
  async scan(now = Date.now()): Promise<number> {
    await this.ensureFolders();
    const names = (await readdir(this.opts.dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !IGNORED.test(e.name) && !this.isSidecar(e.name))
      .map((e) => e.name)
      .sort();
    let submitted = 0;
    let failure: unknown = null;
    for (const name of names) {
      // One file that cannot be taken (a name the file system refuses, a vanished file) must
      // not hold up the files after it; the scan still reports the failure when it is done.
      try {
        if (await this.takeIfStable(name, now)) submitted++;
      } catch (err) {
        failure ??= err;
        this.opts.log.error('drop folder file not taken', { err, dir: this.opts.dir, file: name });
      }
    }
    for (const name of this.seen.keys()) if (!names.includes(name)) this.seen.delete(name);
    if (failure) throw failure;
    return submitted;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.scanning = this.scan()
        .then(() => this.state.set('running'))
        .catch((err) => {
          this.state.set('failing', `scan failed: ${(err as Error)?.message ?? String(err)}`);
          this.opts.log.error('drop folder scan failed', { err, dir: this.opts.dir });
        })
        .finally(() => this.schedule(this.opts.pollMs));
    }, delay);
  }

  private async takeIfStable(name: string, now: number): Promise<boolean> {
    const path = join(this.opts.dir, name);
    const st = await stat(path).catch(() => null);
    if (!st) return false;
    const prev = this.seen.get(name);
    if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
      this.seen.set(name, { size: st.size, mtimeMs: st.mtimeMs, since: now });
      if (this.opts.stableMs > 0) return false;
    } else if (now - prev.since < this.opts.stableMs) {
      return false;
    }
    if (st.size > this.opts.maxBytes) {
      await this.moveAside(
        name,
        'failed',
        `file is ${st.size} bytes, over the ${this.opts.maxBytes}-byte limit`,
      );
      return false;
    }
    const bytes = await readFile(path);
    const extra = (await this.opts.describe?.(path)) ?? {};
    const result = await this.opts.submit({
      channel: this.opts.channel,
      sourceRef:
        this.opts.sourceRefOf?.(bytes) ??
        `drop:${basename(this.opts.dir)}/${name}:${st.size}:${Math.trunc(st.mtimeMs)}`,
      sender: extra.sender ?? null,
      receivedAt: st.mtime,
      filename: name,
      contentType: null,
      bytes,
      meta: { folder: this.opts.dir, ...extra.meta },
    });
    this.state.touch();
    await this.moveAside(name, 'processed');
    for (const sidecar of await this.sidecarsOf(name)) await this.moveAside(sidecar, 'processed');
    this.seen.delete(name);
    this.opts.log.info('drop folder file stored', {
      documentId: result.documentId,
      file: name,
      created: result.created,
    });
    return true;
  }

  private isSidecar(name: string): boolean {
    const lower = name.toLowerCase();
    return (this.opts.sidecarExtensions ?? []).some((ext) => lower.endsWith(ext));
  }

  /** `fax1.tif.txt` and `fax1.txt` both describe `fax1.tif`. */
  private async sidecarsOf(name: string): Promise<string[]> {
    const exts = this.opts.sidecarExtensions ?? [];
    if (exts.length === 0) return [];
    const stem = name.replace(/\.[^.]+$/, '');
    const present = new Set(await readdir(this.opts.dir));
    return exts
      .flatMap((ext) => [`${name}${ext}`, `${stem}${ext}`])
      .filter((n) => n !== name && present.has(n));
  }

  /** Moves a file into processed/ or failed/, never overwriting an earlier file of the same name. */
  private async moveAside(name: string, folder: 'processed' | 'failed', reason?: string): Promise<void> {
    const free = await freeName(join(this.opts.dir, folder), name, reason ? REASON_SUFFIX.length : 0);
    const target = join(this.opts.dir, folder, free);
    await rename(join(this.opts.dir, name), target);
    if (reason) {
      await writeFile(`${target}${REASON_SUFFIX}`, `${reason}\n`);
      this.opts.log.warn('drop folder file refused', { file: name, reason });
    }
  }

  private async ensureFolders(): Promise<void> {
    await mkdir(join(this.opts.dir, 'processed'), { recursive: true });
    await mkdir(join(this.opts.dir, 'failed'), { recursive: true });
  }
}

const REASON_SUFFIX = '.reason.txt';
/** Longest file name (bytes) of the usual file systems; a gateway may write one that long. */
const NAME_MAX = 255;

/** `name` shortened in its stem, extension kept, so that `reserve` more bytes still fit in NAME_MAX. */
export function fitName(name: string, reserve = 0): string {
  if (Buffer.byteLength(name) + reserve <= NAME_MAX) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  const room = NAME_MAX - reserve - Buffer.byteLength(ext);
  while (stem.length > 0 && Buffer.byteLength(stem) > room) stem = stem.slice(0, -1);
  return stem + ext;
}

/**
 * A name for `name` in `dir` that no file there has (`a.1.tif`, `a.2.tif`...), short enough that
 * `reserve` more bytes (a `.reason.txt` beside it) still make a valid file name.
 */
async function freeName(dir: string, name: string, reserve: number): Promise<string> {
  const taken = new Set(await readdir(dir));
  const fitted = fitName(name, reserve);
  if (!taken.has(fitted)) return fitted;
  for (let i = 1; ; i++) {
    const base = fitName(name, reserve + `.${i}`.length);
    const dot = base.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
    if (!taken.has(`${stem}.${i}${ext}`)) return `${stem}.${i}${ext}`;
  }
}

/**
 * Writes the evaluation set into a folder: master data (`masterdata/`), the families
 * (`families.json`), every document with `<file>.expected.json` beside it (the canonical order it
 * holds; null for a file that holds none), and `cases.json` (family, split, kind, planted problem).
 * Each document's content and noise come from its own seed, so choosing kinds, splits or the
 * number per family does not change the other documents.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeCatalog } from './catalog.ts';
import { emailBody, eml } from './email.ts';
import {
  FAMILY_SEED,
  type FamilySpec,
  layoutSignature,
  makeFamilies,
  random,
  type Split,
} from './families.ts';
import { layout } from './page.ts';
import { writeMasterData } from './masterdata.ts';
import { makeOrder, PROBLEMS, type Problem } from './content.ts';
import { faxTiff, scannedPdf, textPdf } from './draw.ts';

export type EvalKind = 'text-pdf' | 'fax-normal' | 'fax-fine' | 'scan' | 'email';
export const KINDS: EvalKind[] = ['text-pdf', 'fax-normal', 'fax-fine', 'scan', 'email'];

export interface EvalCase {
  file: string;
  kind: EvalKind;
  family: string;
  split: Split;
  problem: Problem | null;
  /** The document's number within its family and kind (a planted problem: 100 + family index, or 0 for a duplicate). */
  n: number;
  pages: number;
}

export interface SetOptions {
  perFamily: number;
  kinds: EvalKind[];
  splits: Split[];
  /** Only these family ids (default: all of the chosen splits). */
  families?: string[];
  seed?: number;
  /** Planted problems (one per family, in one of the chosen kinds). */
  problems?: boolean;
}

/**
 * The cases of a set written before (`cases.json`) that the options select: generation is
 * deterministic, so a folder written with more kinds, families or documents can be scored again
 * for any part of it without writing it anew.
 */
export async function reuseSet(dir: string, opts: SetOptions): Promise<EvalCase[]> {
  const all = JSON.parse(await readFile(join(dir, 'cases.json'), 'utf8')) as EvalCase[];
  const picked = all.filter(
    (c) =>
      opts.kinds.includes(c.kind) &&
      opts.splits.includes(c.split) &&
      (!opts.families || opts.families.includes(c.family)) &&
      (c.problem ? opts.problems !== false : c.n < opts.perFamily),
  );
  // A duplicate needs its original.
  return picked.filter(
    (c) =>
      c.problem !== 'duplicate' ||
      picked.some((o) => o.problem === null && o.family === c.family && o.kind === c.kind && o.n === 0),
  );
}

const mix = (...xs: number[]) => xs.reduce((h, x) => Math.imul(h ^ x, 2654435761) >>> 0, 0x811c9dc5);

export async function generateSet(
  dir: string,
  opts: SetOptions,
): Promise<{ cases: EvalCase[]; families: FamilySpec[] }> {
  const seed = opts.seed ?? FAMILY_SEED;
  const catalog = makeCatalog();
  const all = makeFamilies(seed, undefined, catalog);
  await mkdir(dir, { recursive: true });
  await writeMasterData(join(dir, 'masterdata'), all, catalog);
  await writeFile(
    join(dir, 'families.json'),
    `${JSON.stringify(
      all.map((f) => ({
        id: f.id,
        split: f.split,
        customer: f.customer.id,
        layout: JSON.parse(layoutSignature(f)),
      })),
      null,
      1,
    )}\n`,
  );
  const families = all.filter(
    (f) => opts.splits.includes(f.split) && (!opts.families || opts.families.includes(f.id)),
  );
  const clean: EvalCase[] = [];
  const planted: EvalCase[] = [];
  for (const f of families) {
    for (const kind of opts.kinds) {
      for (let i = 0; i < opts.perFamily; i++)
        clean.push(await writeCase(dir, f, kind, i, null, seed, catalog));
    }
    if (opts.problems !== false && opts.kinds.length > 0) {
      // A family that prints no prices cannot carry a wrong price: it gets an unknown article.
      const drawn = PROBLEMS[f.index % PROBLEMS.length]!;
      const problem = drawn === 'price-off' && f.pricing === 'none' ? 'unknown-article' : drawn;
      const kind = opts.kinds[(f.index + Math.floor(f.index / PROBLEMS.length)) % opts.kinds.length]!;
      planted.push(
        await writeCase(dir, f, kind, problem === 'duplicate' ? 0 : 100 + f.index, problem, seed, catalog),
      );
    }
  }
  const cases = [...clean, ...planted];
  await writeFile(join(dir, 'cases.json'), `${JSON.stringify(cases, null, 1)}\n`);
  return { cases, families };
}

async function writeCase(
  dir: string,
  f: FamilySpec,
  kind: EvalKind,
  i: number,
  problem: Problem | null,
  seed: number,
  catalog: ReturnType<typeof makeCatalog>,
): Promise<EvalCase> {
  const k = KINDS.indexOf(kind);
  // A duplicate is the same order (same content seed) sent again, rendered with fresh noise.
  const content = random(mix(seed, f.index, k, i));
  const noise = random(mix(seed, f.index, k, i, problem ? 7 : 1));
  const g = makeOrder(f, catalog, content, problem === 'duplicate' ? null : problem);
  const laid = layout(g);
  const tag = problem ? `-${problem}` : '';
  const base = `${f.id}-${kind}-${i}${tag}`;
  let file: string;
  let bytes: Buffer | string;
  if (kind === 'text-pdf') {
    file = `${base}.pdf`;
    bytes = await textPdf(laid);
  } else if (kind === 'scan') {
    file = `${base}.scan.pdf`;
    bytes = await scannedPdf(laid, {
      dpi: noise() < 0.5 ? 200 : 240,
      rotateDeg: (noise() - 0.5) * 3,
      blur: noise() * 1.2,
      speckles: 200 + Math.floor(noise() * 600),
      rnd: noise,
    });
  } else if (kind === 'email') {
    file = `${base}.eml`;
    const attachment = problem === 'unreadable' ? (await textPdf(laid)).subarray(0, 900) : undefined;
    bytes = eml(g, attachment ? `${f.labels.po} ${g.po}\n\n${f.customer.name}` : emailBody(g), i, attachment);
  } else {
    // HylaFAX-style name: the gateway puts the caller's number in it.
    file = `fax-${f.customer.fax.replace('+', '')}-${base}.tif`;
    const time = `${String(8 + Math.floor(noise() * 9)).padStart(2, '0')}:${String(Math.floor(noise() * 60)).padStart(2, '0')}`;
    bytes = await faxTiff(laid, {
      resolution: kind === 'fax-fine' ? 'fine' : 'normal',
      header: (p, n) =>
        `${g.orderDate}  ${time}  FROM ${f.customer.faxPrinted}  ${f.customer.name.toUpperCase()}  P.${p}/${n}`,
      skewDeg: (noise() - 0.5) * 2,
      rnd: noise,
    });
  }
  if (problem === 'unreadable' && kind !== 'email')
    bytes = (bytes as Buffer).subarray(0, Math.floor(bytes.length * 0.4));
  await writeFile(join(dir, file), bytes);
  const holdsOrder = problem !== 'unreadable' && problem !== 'not-an-order';
  await writeFile(
    join(dir, `${file}.expected.json`),
    `${JSON.stringify(holdsOrder ? g.expected : null, null, 2)}\n`,
  );
  return { file, kind, family: f.id, split: f.split, problem, n: i, pages: laid.pages };
}

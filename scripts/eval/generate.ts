/** Writes the evaluation set: per customer and channel, documents with `<name>.expected.json` beside. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layout } from './layout.ts';
import { CUSTOMERS, makeOrder, random } from './orders.ts';
import { faxTiff, scannedPdf, textPdf } from './render.ts';

export type EvalKind = 'text-pdf' | 'fax' | 'scan';

export interface EvalCase {
  file: string;
  kind: EvalKind;
  customerId: string;
}

export async function generateSet(dir: string, perCustomer: number, kinds: EvalKind[]): Promise<EvalCase[]> {
  await mkdir(dir, { recursive: true });
  const rnd = random(20261123);
  const cases: EvalCase[] = [];
  let n = 0;
  for (const style of CUSTOMERS) {
    for (let i = 0; i < perCustomer; i++) {
      for (const kind of kinds) {
        const g = makeOrder(style, n++, rnd);
        const items = layout(g);
        const base = `${style.id}-${kind}-${i}`;
        let file: string;
        if (kind === 'text-pdf') {
          file = `${base}.pdf`;
          await writeFile(join(dir, file), await textPdf(items));
        } else if (kind === 'scan') {
          file = `${base}.scan.pdf`;
          await writeFile(join(dir, file), await scannedPdf(items, rnd));
        } else {
          // HylaFAX-style name: the gateway puts the caller's number in it.
          file = `fax-${style.fax}-${base}.tif`;
          const header = `${g.expected.orderDate}  09:${String(10 + i).padStart(2, '0')}  FROM ${style.fax}  ${style.name.toUpperCase()}  P.1/1`;
          await writeFile(
            join(dir, file),
            await faxTiff(items, { header, skewDeg: (rnd() - 0.5) * 1.6, seed: rnd }),
          );
        }
        await writeFile(join(dir, `${file}.expected.json`), `${JSON.stringify(g.expected, null, 2)}\n`);
        cases.push({ file, kind, customerId: style.id });
      }
    }
  }
  return cases;
}

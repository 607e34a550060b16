/**
 * The demo's paper, generated at start (no binary files in git): a fax from C042 in the fax drop
 * folder, a scanned PDF order from C107 beside it (a scanner that saves to the same folder), and
 * an e-mail from C042 with its order as a PDF attachment in the mail drop folder. The e-mail's
 * order names an article reference nobody taught yet, so it waits in review; the others usually
 * pass alone, or go to review where OCR is unsure, which shows the page-image review screen.
 *
 * The renderers live with the evaluation scripts (scripts/eval) and need pdf-lib, a development
 * dependency: imported only when the demo runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

export interface DemoPaperDirs {
  faxDir: string;
  mailDir: string;
}

/** Writes the three documents; returns the paths written. */
export async function writeDemoPaper(dirs: DemoPaperDirs): Promise<string[]> {
  const { CUSTOMERS, makeOrder, random } = await import('../../scripts/eval/orders.ts');
  const { layout } = await import('../../scripts/eval/layout.ts');
  const { faxTiff, scannedPdf, textPdf } = await import('../../scripts/eval/render.ts');
  const style = (id: string) => CUSTOMERS.find((c) => c.id === id)!;
  await mkdir(dirs.faxDir, { recursive: true });
  await mkdir(dirs.mailDir, { recursive: true });
  const written: string[] = [];

  const lopez = style('C042');
  const fax = makeOrder(lopez, 301, random(301));
  const faxFile = join(dirs.faxDir, `fax-${lopez.fax}-demo-0001.tif`);
  const header = `${fax.expected.orderDate}  09:12  FROM ${lopez.fax}  ${lopez.name.toUpperCase()}  P.1/1`;
  await writeFile(faxFile, await faxTiff(layout(fax), { header, skewDeg: 0.3, seed: random(7) }));
  written.push(faxFile);

  const garcia = style('C107');
  const scan = makeOrder(garcia, 302, random(302));
  const scanFile = join(dirs.faxDir, 'scan-demo-0002.pdf');
  await writeFile(scanFile, await scannedPdf(layout(scan), random(11)));
  written.push(scanFile);

  // An article reference C042 never used: the order goes to review for an operator to map it.
  const mailed = makeOrder(lopez, 303, random(303));
  const first = mailed.lines[0]!;
  const withNewRef = {
    ...mailed,
    lines: [{ ...first, article: { ...first.article, ref: '9901' } }, ...mailed.lines.slice(1)],
  };
  const pdf = await textPdf(layout(withNewRef));
  const eml = await new MailComposer({
    from: 'Compras Ferreteria Lopez <compras@ferreterialopez.es>',
    to: 'pedidos@example.com',
    subject: `Pedido ${mailed.expected.poNumber}`,
    messageId: `<demo-${mailed.expected.poNumber}@ferreterialopez.es>`,
    date: new Date(),
    text: `Buenos días,\n\nadjuntamos el pedido ${mailed.expected.poNumber}.\n\nUn saludo,\nCompras`,
    attachments: [
      { filename: `${mailed.expected.poNumber}.pdf`, content: pdf, contentType: 'application/pdf' },
    ],
  })
    .compile()
    .build();
  const mailFile = join(dirs.mailDir, 'demo-0003.eml');
  await writeFile(mailFile, eml);
  written.push(mailFile);
  return written;
}

/** Test material for the e-mail channel. */

/**
 * A winmail.dat as Outlook writes one, holding the given files: the signature and key, then per
 * file attAttachRendData, attAttachTitle and attAttachData ([MS-OXTNEF] 2.1.3), checksums included.
 */
export function winmailDat(files: Array<{ name: string; bytes: Buffer }>): Buffer {
  const attr = (id: number, data: Buffer) => {
    const head = Buffer.alloc(9);
    head.writeUInt8(0x02, 0);
    head.writeUInt32LE(id, 1);
    head.writeUInt32LE(data.length, 5);
    const sum = Buffer.alloc(2);
    sum.writeUInt16LE(data.reduce((s, b) => (s + b) & 0xffff, 0));
    return Buffer.concat([head, data, sum]);
  };
  const start = Buffer.alloc(6);
  start.writeUInt32LE(0x223e9f78, 0);
  start.writeUInt16LE(0x0001, 4);
  return Buffer.concat([
    start,
    ...files.flatMap((f) => [
      attr(0x00069002, Buffer.alloc(14)),
      attr(0x00018010, Buffer.from(`${f.name}\0`, 'latin1')),
      attr(0x0006800f, f.bytes),
    ]),
  ]);
}

/** An order typed in a message body, from a known customer, with its own PO number. */
export function orderMail(po: string, opts: { padding?: number } = {}): string {
  const pad = opts.padding ? `\r\n\r\n${'Condiciones generales de compra. '.repeat(opts.padding)}` : '';
  return [
    'From: Compras <compras@ferreterialopez.es>',
    'To: pedidos@proveedor.es',
    `Subject: Pedido ${po}`,
    `Message-ID: <${po}@ferreterialopez.es>`,
    'Date: Fri, 20 Nov 2026 09:30:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Pedido nº: ${po}`,
    'Fecha: 20/11/2026',
    '',
    'Ref.   Descripción               Cantidad   Precio   Importe',
    '4711   Tornillo M8x40 zincado         200     0,12     24,00',
    '',
    `Total pedido: 24,00${pad}`,
    '',
  ].join('\r\n');
}

/** The portal's order form as posted (application/x-www-form-urlencoded), turned into order input. */

type FormBody = Record<string, string | string[] | undefined>;

/** One line as typed: kept as text so a form with errors comes back exactly as it was sent. */
export interface FormLine {
  sku: string;
  quantity: string;
}

/** The form's values as typed, for showing the form again. */
export interface FormValues {
  poNumber: string;
  deliveryDate: string;
  notes: string;
  shipTo: { name: string; street: string; postalCode: string; city: string; country: string };
  lines: FormLine[];
}

export const emptyForm = (): FormValues => ({
  poNumber: '',
  deliveryDate: '',
  notes: '',
  shipTo: { name: '', street: '', postalCode: '', city: '', country: '' },
  lines: [{ sku: '', quantity: '' }],
});

const all = (body: FormBody, name: string): string[] => {
  const v = body[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const one = (body: FormBody, name: string): string => (all(body, name)[0] ?? '').trim();

/** Reads the posted form; rows left completely empty are dropped. */
export function readForm(raw: unknown): FormValues {
  const body = (raw && typeof raw === 'object' ? raw : {}) as FormBody;
  const skus = all(body, 'sku');
  const quantities = all(body, 'quantity');
  const lines: FormLine[] = [];
  for (let i = 0; i < Math.max(skus.length, quantities.length); i++) {
    const line = { sku: (skus[i] ?? '').trim(), quantity: (quantities[i] ?? '').trim() };
    if (line.sku || line.quantity) lines.push(line);
  }
  return {
    poNumber: one(body, 'poNumber'),
    deliveryDate: one(body, 'deliveryDate'),
    notes: one(body, 'notes'),
    shipTo: {
      name: one(body, 'shipName'),
      street: one(body, 'shipStreet'),
      postalCode: one(body, 'shipPostalCode'),
      city: one(body, 'shipCity'),
      country: one(body, 'shipCountry'),
    },
    lines,
  };
}

const orNull = (s: string) => (s === '' ? null : s);

/** `12`, `2.5` and `2,5` are numbers; anything else stays text so validation names it. */
function quantityOf(s: string): number | string {
  return /^\d+([.,]\d+)?$/.test(s) ? Number(s.replace(',', '.')) : s;
}

/** The form as canonical order input (validated afterwards like any API body). */
export function formToOrderInput(f: FormValues): Record<string, unknown> {
  const ship = f.shipTo;
  const anyShip = Object.values(ship).some((v) => v !== '');
  return {
    poNumber: f.poNumber,
    deliveryDate: orNull(f.deliveryDate),
    notes: orNull(f.notes),
    shipTo: anyShip
      ? {
          name: orNull(ship.name),
          street: orNull(ship.street),
          postalCode: orNull(ship.postalCode),
          city: orNull(ship.city),
          country: orNull(ship.country),
        }
      : null,
    lines: f.lines.map((l) => ({
      sku: orNull(l.sku),
      ...(l.quantity === '' ? {} : { quantity: quantityOf(l.quantity) }),
    })),
  };
}

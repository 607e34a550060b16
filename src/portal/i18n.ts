/** Portal wording in English and Spanish, chosen from Accept-Language. */

const en = {
  newOrder: 'New order',
  myOrders: 'My orders',
  signOut: 'Sign out',
  signedInAs: 'Ordering as',
  poNumber: 'Your PO number',
  deliveryDate: 'Requested delivery date',
  notes: 'Notes',
  lines: 'Lines',
  sku: 'Article (SKU)',
  quantity: 'Quantity',
  product: 'Product',
  addLine: 'Add line',
  removeLine: 'Remove',
  shipTo: 'Ship to (optional)',
  name: 'Name',
  street: 'Street',
  postalCode: 'Postal code',
  city: 'City',
  country: 'Country',
  send: 'Send order',
  fixErrors: 'Please correct the following:',
  line: 'Line',
  order: 'Order',
  status: 'Status',
  date: 'Date',
  received: 'Received',
  view: 'View',
  noOrders: 'No orders yet.',
  beingProcessed: 'Being processed',
  remarks: 'Remarks on this order:',
  signInNeeded: 'Open the order form with the link that contains your access token.',
  linkInvalid: 'This link is not valid (any more). Please ask us for a new one.',
  signedIn: 'You are signed in.',
  switchTitle: 'Switch customer account?',
  switchText:
    'This browser is signed in to the portal for another customer. The link you followed opens it for {name}. Switch only if you meant to.',
  switchButton: 'Switch to {name}',
  stay: 'Stay signed in as before',
  signedOut: 'You are signed out.',
  continue: 'Continue',
  formExpired:
    'The form has expired or did not come from this site. Please reload the order form and send it again.',
  notFound: 'There is no such page or order.',
  error: 'Something went wrong',
  status_accepted: 'Accepted: your order has been passed to our order system.',
  status_delivered: 'Confirmed: your order is in our order system.',
  status_review: 'Received: a colleague will check your order before it is confirmed.',
  status_rejected: 'Not processed: we could not use this order.',
  status_failed: 'Received: passing it to our order system is delayed; we are on it.',
  status_received: 'Received: your order is being processed. Its status will appear under My orders.',
  finding_unknown_customer: 'We could not tell which customer this is.',
  finding_unknown_sku: 'An article was not recognised.',
  finding_price_mismatch: 'A price differs from your agreed price.',
  finding_quantity_anomaly: 'A quantity is unusual or does not fit the pack size.',
  finding_duplicate_order: 'An order with this PO number was already received.',
  finding_total_mismatch: 'The amounts do not add up.',
  finding_missing_field: 'Some information is missing.',
  finding_low_confidence: 'Part of the order could not be read with certainty.',
  finding_credit_limit_exceeded: 'The order is above your credit limit.',
  finding_unreadable_document: 'The order could not be read.',
  finding_invalid_edifact: 'The EDI message is not valid.',
  finding_not_an_order: 'This is not a purchase order.',
  finding_customer_mismatch: 'The order names another customer than yours.',
  confirmedOn: 'Confirmed',
  via: 'Sent by',
  state_received: 'Received',
  state_review: 'In review',
  state_confirmed: 'Confirmed',
  state_rejected: 'Not processed',
  channel_edi: 'EDI',
  channel_web: 'Web',
  channel_email: 'E-mail',
  channel_fax: 'Fax',
  channel_scan: 'Post / scan',
};

export type TextKey = keyof typeof en;
export type Texts = Record<TextKey, string>;

const es: Texts = {
  newOrder: 'Nuevo pedido',
  myOrders: 'Mis pedidos',
  signOut: 'Cerrar sesión',
  signedInAs: 'Pedido de',
  poNumber: 'Su número de pedido',
  deliveryDate: 'Fecha de entrega deseada',
  notes: 'Observaciones',
  lines: 'Líneas',
  sku: 'Artículo (referencia)',
  quantity: 'Cantidad',
  product: 'Producto',
  addLine: 'Añadir línea',
  removeLine: 'Quitar',
  shipTo: 'Dirección de entrega (opcional)',
  name: 'Nombre',
  street: 'Calle',
  postalCode: 'Código postal',
  city: 'Ciudad',
  country: 'País',
  send: 'Enviar pedido',
  fixErrors: 'Por favor, corrija lo siguiente:',
  line: 'Línea',
  order: 'Pedido',
  status: 'Estado',
  date: 'Fecha',
  received: 'Recibido',
  view: 'Ver',
  noOrders: 'Todavía no hay pedidos.',
  beingProcessed: 'En proceso',
  remarks: 'Observaciones sobre este pedido:',
  signInNeeded: 'Abra el formulario de pedido con el enlace que contiene su clave de acceso.',
  linkInvalid: 'Este enlace no es válido (o ya no lo es). Pídanos uno nuevo, por favor.',
  signedIn: 'Ha iniciado sesión.',
  switchTitle: '¿Cambiar de cuenta de cliente?',
  switchText:
    'Este navegador tiene abierto el portal para otro cliente. El enlace que ha seguido lo abre para {name}. Cambie solo si es lo que quería.',
  switchButton: 'Cambiar a {name}',
  stay: 'Seguir con la sesión anterior',
  signedOut: 'Ha cerrado la sesión.',
  continue: 'Continuar',
  formExpired:
    'El formulario ha caducado o no procede de este sitio. Vuelva a cargar el formulario y envíelo de nuevo.',
  notFound: 'No existe esa página o pedido.',
  error: 'Algo ha fallado',
  status_accepted: 'Aceptado: su pedido ha pasado a nuestro sistema de pedidos.',
  status_delivered: 'Confirmado: su pedido está en nuestro sistema de pedidos.',
  status_review: 'Recibido: un compañero revisará su pedido antes de confirmarlo.',
  status_rejected: 'No procesado: no hemos podido utilizar este pedido.',
  status_failed: 'Recibido: el paso a nuestro sistema de pedidos se está retrasando; lo estamos resolviendo.',
  status_received: 'Recibido: su pedido se está procesando. Verá su estado en Mis pedidos.',
  finding_unknown_customer: 'No hemos podido identificar al cliente.',
  finding_unknown_sku: 'No se ha reconocido un artículo.',
  finding_price_mismatch: 'Un precio no coincide con su precio acordado.',
  finding_quantity_anomaly: 'Una cantidad es inusual o no se ajusta al embalaje.',
  finding_duplicate_order: 'Ya se recibió un pedido con este número.',
  finding_total_mismatch: 'Los importes no cuadran.',
  finding_missing_field: 'Falta información.',
  finding_low_confidence: 'Parte del pedido no se ha podido leer con seguridad.',
  finding_credit_limit_exceeded: 'El pedido supera su límite de crédito.',
  finding_unreadable_document: 'No se ha podido leer el pedido.',
  finding_invalid_edifact: 'El mensaje EDI no es válido.',
  finding_not_an_order: 'No es un pedido de compra.',
  finding_customer_mismatch: 'El pedido indica otro cliente distinto del suyo.',
  confirmedOn: 'Confirmado',
  via: 'Enviado por',
  state_received: 'Recibido',
  state_review: 'En revisión',
  state_confirmed: 'Confirmado',
  state_rejected: 'No procesado',
  channel_edi: 'EDI',
  channel_web: 'Web',
  channel_email: 'Correo',
  channel_fax: 'Fax',
  channel_scan: 'Correo postal / escáner',
};

export type Lang = 'en' | 'es';

/** The first language the browser prefers that we speak; English otherwise. */
export function chooseLang(acceptLanguage: string | undefined): Lang {
  const prefs = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of prefs) {
    if (tag.startsWith('es')) return 'es';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export function textsFor(lang: Lang): Texts {
  return lang === 'es' ? es : en;
}

/** The plain-words text of a status or finding code, or the code itself when we have none. */
export function say(t: Texts, prefix: 'status_' | 'finding_' | 'state_' | 'channel_', code: string): string {
  return (t as Record<string, string>)[prefix + code] ?? code;
}

/**
 * What a customer is told of an order, in four words: received (being processed; also while our
 * hand-over to the ERP is delayed), in review (a person checks it), confirmed (accepted: the
 * confirmation went out), not processed.
 */
export function customerState(status: string): 'received' | 'review' | 'confirmed' | 'rejected' {
  if (status === 'accepted' || status === 'delivered') return 'confirmed';
  if (status === 'review' || status === 'rejected') return status;
  return 'received';
}

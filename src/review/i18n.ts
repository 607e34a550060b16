/** Every word of the review workspace, in Spanish and English: one catalog per language. */

const en = {
  title: 'Review queue',
  signOut: 'Sign out',
  queueEmpty: 'Nothing to review. New orders appear here as they arrive.',
  received: 'Received',
  deadline: 'Due',
  overdue: 'overdue',
  customer: 'Customer',
  channel: 'Channel',
  po: 'PO number',
  findings: 'Findings',
  priority: 'Priority',
  takenBy: 'Taken by',
  open: 'Open',
  filter: 'Filter',
  all: 'all',
  anyCode: 'any finding',
  unknownCustomer: 'unknown customer',
  orderDate: 'Order date',
  deliveryDate: 'Delivery date',
  currency: 'Currency',
  total: 'Total',
  customerId: 'Customer id',
  lines: 'Lines',
  sku: 'Article',
  customerRef: 'Their ref.',
  description: 'Description',
  quantity: 'Quantity',
  unit: 'Unit',
  unitPrice: 'Price',
  amount: 'Amount',
  confidence: 'confidence',
  addLine: 'Add line (Alt+A)',
  deleteLine: 'Delete',
  approve: 'Approve (Ctrl+Enter)',
  reject: 'Reject',
  rejectReason: 'Reason for rejecting',
  remember: "Remember the customer's article references I map to our articles",
  next: 'Next item (Alt+N)',
  back: 'Queue',
  sourceText: 'Source text',
  page: 'Page',
  history: 'History',
  heldByOther: (name: string) => `${name} is working on this order; you can look but not decide.`,
  changed: 'Someone changed or decided this order since you opened it. Reload it to see the changes.',
  alreadyDecided: (status: string) => `This order was already decided (${status}).`,
  cannotApprove: 'The order cannot be approved yet:',
  approved: (id: number) => `Order ${id} approved and sent to the ERP.`,
  rejected: (id: number) => `Order ${id} rejected.`,
  reasonNeeded: 'Say why the order is rejected.',
  language: 'Español',
  shortcuts:
    'Tab / Shift+Tab move between fields; Ctrl+Enter approves; Alt+A adds a line; Alt+N opens the next item.',
  readOnly: 'This order is decided; it can no longer be changed.',
  status: 'Status',
  customerPrice: 'their price',
  usualQuantity: 'usual quantity',
  creditLeft: 'credit left',
};

export type ReviewTexts = typeof en;

const es: ReviewTexts = {
  title: 'Pedidos a revisar',
  signOut: 'Salir',
  queueEmpty: 'Nada que revisar. Los pedidos nuevos aparecen aquí al llegar.',
  received: 'Recibido',
  deadline: 'Vence',
  overdue: 'vencido',
  customer: 'Cliente',
  channel: 'Canal',
  po: 'Nº de pedido',
  findings: 'Avisos',
  priority: 'Prioridad',
  takenBy: 'Lo tiene',
  open: 'Abrir',
  filter: 'Filtrar',
  all: 'todos',
  anyCode: 'cualquier aviso',
  unknownCustomer: 'cliente desconocido',
  orderDate: 'Fecha del pedido',
  deliveryDate: 'Fecha de entrega',
  currency: 'Moneda',
  total: 'Total',
  customerId: 'Código de cliente',
  lines: 'Líneas',
  sku: 'Artículo',
  customerRef: 'Su ref.',
  description: 'Descripción',
  quantity: 'Cantidad',
  unit: 'Unidad',
  unitPrice: 'Precio',
  amount: 'Importe',
  confidence: 'confianza',
  addLine: 'Añadir línea (Alt+A)',
  deleteLine: 'Borrar',
  approve: 'Aprobar (Ctrl+Intro)',
  reject: 'Rechazar',
  rejectReason: 'Motivo del rechazo',
  remember: 'Recordar las referencias del cliente que asigne a nuestros artículos',
  next: 'Siguiente (Alt+N)',
  back: 'Cola',
  sourceText: 'Texto original',
  page: 'Página',
  history: 'Historial',
  heldByOther: (name: string) => `${name} está trabajando en este pedido; puede verlo pero no decidir.`,
  changed:
    'Alguien ha cambiado o decidido este pedido desde que lo abrió. Vuelva a abrirlo para ver los cambios.',
  alreadyDecided: (status: string) => `Este pedido ya está decidido (${status}).`,
  cannotApprove: 'El pedido aún no se puede aprobar:',
  approved: (id: number) => `Pedido ${id} aprobado y enviado al ERP.`,
  rejected: (id: number) => `Pedido ${id} rechazado.`,
  reasonNeeded: 'Indique por qué se rechaza el pedido.',
  language: 'English',
  shortcuts:
    'Tab / Mayús+Tab pasan de un campo a otro; Ctrl+Intro aprueba; Alt+A añade una línea; Alt+N abre el siguiente.',
  readOnly: 'Este pedido está decidido; ya no se puede cambiar.',
  status: 'Estado',
  customerPrice: 'su precio',
  usualQuantity: 'cantidad habitual',
  creditLeft: 'crédito disponible',
};

export type Lang = 'es' | 'en';

/** The operator's choice (cookie), else the browser's first supported language, else Spanish. */
export function chooseReviewLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'es' || cookie === 'en') return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'es' || tag === 'en') return tag;
  }
  return 'es';
}

export function reviewTexts(lang: Lang): ReviewTexts {
  return lang === 'en' ? en : es;
}

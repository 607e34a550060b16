// Order form enhancements: product autocomplete and adding/removing lines. Without this
// script the form still works for a single line. Served same-origin (CSP: script-src 'self').
(() => {
  const form = document.getElementById('order-form');
  if (!form) return;
  const tbody = form.querySelector('#lines tbody');
  const datalist = document.getElementById('products');
  const addButton = document.getElementById('add-line');
  const removeLabel = addButton ? addButton.dataset.removeLabel : 'Remove';
  const known = new Map();
  const lang = document.documentElement.lang || 'en';

  const priceText = (p) => {
    try {
      return p.currency
        ? new Intl.NumberFormat(lang, { style: 'currency', currency: p.currency }).format(p.unitPrice)
        : String(p.unitPrice);
    } catch {
      return String(p.unitPrice);
    }
  };
  const describe = (p) => `${p.description} · ${p.unit} · ${priceText(p)}`;

  const showInfo = (row) => {
    const sku = row.querySelector('input[name="sku"]').value.trim();
    const info = row.querySelector('.info');
    const p = known.get(sku.toUpperCase());
    info.textContent = p ? describe(p) : '';
  };

  let timer = null;
  let last = '';
  const lookup = (value) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = value.trim();
      if (q === '' || q === last) return;
      last = q;
      const res = await fetch(`/portal/products?q=${encodeURIComponent(q)}`, { credentials: 'same-origin' });
      if (!res.ok) return;
      const products = await res.json();
      datalist.replaceChildren();
      for (const p of products) {
        known.set(p.sku.toUpperCase(), p);
        const option = document.createElement('option');
        option.value = p.sku;
        option.label = describe(p);
        datalist.append(option);
      }
      for (const row of tbody.querySelectorAll('tr.line')) showInfo(row);
    }, 200);
  };

  const addRemoveButton = (row) => {
    const cell = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = removeLabel;
    button.addEventListener('click', () => {
      if (tbody.querySelectorAll('tr.line').length > 1) row.remove();
      else for (const input of row.querySelectorAll('input')) input.value = '';
      showInfo(row);
    });
    cell.append(button);
    row.append(cell);
  };

  tbody.addEventListener('input', (e) => {
    if (e.target.name === 'sku') {
      lookup(e.target.value);
      showInfo(e.target.closest('tr'));
    }
  });
  for (const row of tbody.querySelectorAll('tr.line')) addRemoveButton(row);

  if (addButton) {
    addButton.closest('.js-only').hidden = false;
    addButton.addEventListener('click', () => {
      const template = tbody.querySelector('tr.line');
      const row = template.cloneNode(true);
      for (const input of row.querySelectorAll('input')) {
        input.value = '';
        input.removeAttribute('aria-invalid');
        input.classList.remove('invalid');
      }
      row.querySelector('.info').textContent = '';
      row.lastElementChild.remove();
      addRemoveButton(row);
      tbody.append(row);
      row.querySelector('input[name="sku"]').focus();
    });
  }
})();

// Enter in a line's article or quantity picks the suggestion / moves on, as in a spreadsheet;
// it never sends the whole order half-typed. The send button (or Enter on it) still sends.
(() => {
  const form = document.getElementById('order-form');
  if (!form) return;
  form.addEventListener('keydown', (e) => {
    const input = e.target;
    if (e.key !== 'Enter' || !(input instanceof HTMLInputElement) || !input.closest('#lines')) return;
    e.preventDefault();
    const fields = Array.from(form.querySelectorAll('input:not([type="hidden"]), select, textarea, button'));
    const next = fields[fields.indexOf(input) + 1];
    if (next) next.focus();
  });
})();

// Review screen helpers: highlight the box of the focused field on the page image, keyboard
// shortcuts (Ctrl+Enter approve, Alt+A add line, Alt+N next item), add and delete lines.
// The page works without this script; it only makes it faster.
(() => {
  const form = document.getElementById('order-form');
  if (!form) return;
  const boxes = () => Array.from(document.querySelectorAll('rect.box'));
  const highlight = (field) => {
    for (const b of boxes()) b.classList.toggle('selected', b.dataset.field === field);
    const hit = boxes().find((b) => b.dataset.field === field);
    if (hit) hit.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  };
  form.addEventListener('focusin', (e) => {
    const field = e.target?.dataset?.field ?? null;
    if (field) highlight(field);
  });
  for (const b of boxes()) {
    b.addEventListener('click', () => {
      const input = form.querySelector(`input[data-field="${CSS.escape(b.dataset.field)}"]`);
      if (input) input.focus();
    });
  }
  for (const fig of document.querySelectorAll('figure.page')) {
    fig.addEventListener('dblclick', () => fig.classList.toggle('zoomed'));
  }
  const lines = document.getElementById('lines');
  const template = document.getElementById('line-template');
  const renumber = () => {
    Array.from(lines.querySelectorAll('tr.line')).forEach((row, i) => {
      for (const input of row.querySelectorAll('input')) {
        input.name = input.name.replace(/^lines\[[^\]]*\]/, `lines[${i}]`);
        input.dataset.field = input.dataset.field.replace(/^lines\[[^\]]*\]/, `lines[${i}]`);
      }
    });
  };
  const addLine = () => {
    const row = template.content.firstElementChild.cloneNode(true);
    lines.appendChild(row);
    renumber();
    row.querySelector('input').focus();
  };
  const add = document.getElementById('add-line');
  if (add) add.addEventListener('click', addLine);
  lines.addEventListener('click', (e) => {
    if (!e.target.classList.contains('delete-line')) return;
    e.target.closest('tr').remove();
    renumber();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    } else if (e.altKey && (e.key === 'a' || e.key === 'A')) {
      e.preventDefault();
      if (add) addLine();
    } else if (e.altKey && (e.key === 'n' || e.key === 'N')) {
      e.preventDefault();
      document.getElementById('next').click();
    } else if (e.key === 'Enter' && e.target.tagName === 'INPUT' && e.target.form === form) {
      // Enter moves to the next field, as in the ERP screens operators know; Ctrl+Enter approves.
      e.preventDefault();
      const inputs = Array.from(form.querySelectorAll('input:not([type=hidden]):not([disabled])'));
      const at = inputs.indexOf(e.target);
      if (at >= 0 && inputs[at + 1]) inputs[at + 1].focus();
    }
  });
})();

// The queue: new items are announced, never reloaded under the operator's hands (WCAG 2.2.1).
// Every 20 s the page is fetched in the background; when its count changed, a button offers it.
(() => {
  const heading = document.querySelector('h1[data-queue-count]');
  if (!heading) return;
  const notice = document.getElementById('queue-news');
  setInterval(async () => {
    try {
      const res = await fetch(location.href, { credentials: 'same-origin' });
      if (!res.ok) return;
      const count = /data-queue-count="(\d+)"/.exec(await res.text())?.[1];
      if (count !== undefined && count !== heading.dataset.queueCount) notice.hidden = false;
    } catch {
      // Offline for a moment: try again at the next tick.
    }
  }, 20_000);
})();

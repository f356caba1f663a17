// Small DOM helpers: build elements without innerHTML (no markup injection from names), format bytes, bars.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    // Through the CSSOM: the Content-Security-Policy refuses style attributes (style-src 'self').
    else if (key === 'style') element.style.cssText = value;
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${n < 0 ? '-' : ''}${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export const badge = (state) => h('span', { class: `badge ${state}` }, state);

/** A bar of parts [{value, cls, label}], widths relative to total; the label reads the numbers out. */
export function bar(parts, total, label) {
  const sum = total || parts.reduce((a, p) => a + Math.max(0, p.value), 0) || 1;
  return h('div', { class: 'bar', role: 'img', 'aria-label': label },
    parts.map((p) => h('span', { class: p.cls, style: `width:${(100 * Math.max(0, p.value) / sum).toFixed(2)}%`, title: `${p.label}: ${bytes(p.value)}` })));
}

export function legend(items) {
  return h('div', { class: 'legend' }, items.map(([cls, text]) => h('span', {}, h('i', { class: `bar-key`, style: `background:var(--${cls})` }), text)));
}

export function announce(text) {
  const region = document.getElementById('announce');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 30);
}

/** A button that runs an async action, disabled while it runs; errors go to the given element. */
export function actionButton(text, label, action, errorBox, cls = '') {
  const button = h('button', { type: 'button', class: cls, 'aria-label': label }, text);
  button.addEventListener('click', async () => {
    button.disabled = true;
    if (errorBox) errorBox.textContent = '';
    try { await action(); } catch (error) { if (errorBox) errorBox.textContent = error.message; } finally { button.disabled = false; }
  });
  return button;
}

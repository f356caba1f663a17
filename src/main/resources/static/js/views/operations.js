// Operations: what is running and how far it got, live.
import { get } from '../api.js';
import { badge, h } from '../ui.js';

export function operationsView(container) {
  const names = new Map();
  /** What an operation concerns: its fleet or image by name, asked once per page. */
  const concerns = (op) => {
    if (!op.targetId) return Promise.resolve(null);
    const fleet = op.kind.startsWith('fleet') || (op.resourceUrl || '').startsWith('/api/fleets/');
    const path = fleet ? `/api/fleets/${op.targetId}` : `/api/images/${op.targetId}`;
    if (!names.has(path)) names.set(path, get(path).then((r) => r.name).catch(() => `${op.targetId.slice(0, 8)} (deleted)`));
    return names.get(path).then((name) => h('span', { 'data-concerns': fleet ? 'fleet' : 'image' }, fleet ? 'fleet ' : 'image ',
      h('a', { href: fleet ? '#/fleets' : '#/images' }, name)));
  };
  return {
    title: 'Operations',
    async refresh() {
      const page = await get('/api/operations?size=50');
      const details = await Promise.all(page.items.map(concerns));
      container.replaceChildren(h('h2', {}, 'Operations'),
        page.items.length === 0 ? h('p', { class: 'muted' }, 'No operations yet.') : h('div', { class: 'card table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), h('th', {}, 'State'), h('th', {}, 'Progress'), h('th', { class: 'hide-narrow' }, 'Started'), h('th', {}, 'Detail'))),
          h('tbody', {}, page.items.map((op, i) => h('tr', { 'data-operation': op.id },
            h('td', {}, op.kind), h('td', {}, badge(op.state)),
            h('td', {}, h('progress', { max: '100', value: op.progress, 'aria-label': `${op.kind} ${op.progress}%` }), ` ${op.progress}%`),
            h('td', { class: 'hide-narrow' }, new Date(op.createdAt).toLocaleString()),
            h('td', {}, details[i], op.error ? h('span', { class: 'error' }, ' ', op.error.detail || op.error.title) : '')))))));
    },
    onEvent: (event) => event.type.startsWith('operation.'),
  };
}

// Operations: what is running and how far it got, live.
import { get } from '../api.js';
import { badge, h } from '../ui.js';

export function operationsView(container) {
  return {
    title: 'Operations',
    async refresh() {
      const page = await get('/api/operations?size=50');
      container.replaceChildren(h('h2', {}, 'Operations'),
        page.items.length === 0 ? h('p', { class: 'muted' }, 'No operations yet.') : h('div', { class: 'card table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Kind'), h('th', {}, 'State'), h('th', {}, 'Progress'), h('th', { class: 'hide-narrow' }, 'Started'), h('th', {}, 'Detail'))),
          h('tbody', {}, page.items.map((op) => h('tr', { 'data-operation': op.id },
            h('td', {}, op.kind), h('td', {}, badge(op.state)),
            h('td', {}, h('progress', { max: '100', value: op.progress, 'aria-label': `${op.kind} ${op.progress}%` }), ` ${op.progress}%`),
            h('td', { class: 'hide-narrow' }, new Date(op.createdAt).toLocaleString()),
            h('td', {}, op.error ? h('span', { class: 'error' }, op.error.detail || op.error.title) : ''))))))); 
    },
    onEvent: (event) => event.type.startsWith('operation.'),
  };
}

// The image tree: golden → fleet base clones → per-machine differencing disks, with unique and shared bytes.
import { get } from '../api.js';
import { bar, bytes, h, legend } from '../ui.js';

export function imagesView(container) {
  return {
    title: 'Image tree',
    async refresh() {
      const forest = await get('/api/images/tree');
      const largest = Math.max(1, ...flatten(forest).map((n) => n.uniqueBytes + n.sharedBytes));
      container.replaceChildren(
        h('h2', {}, 'Image tree'),
        h('p', { class: 'muted' }, 'Golden images, the fleet bases cloned from them and the differencing disk of each machine. ',
          'Unique bytes are in the image\'s own file; shared bytes are read through from the images below it.'),
        legend([['used', 'unique bytes'], ['shared', 'shared bytes']]),
        forest.length === 0 ? h('p', { class: 'muted' }, 'No images yet.') : h('ul', { class: 'tree', role: 'tree', 'aria-label': 'Images' },
          forest.map((node) => item(node, largest, 1))));
    },
    onEvent: (event) => /^(image|attachment|fleet)\./.test(event.type),
  };
}

function item(node, largest, level) {
  const owner = node.machineName ? `disk of ${node.machineName}` : node.fleetName ? `base of fleet ${node.fleetName}` : node.relation;
  return h('li', { role: 'treeitem', 'aria-level': level, 'aria-expanded': node.children.length ? 'true' : null, 'data-image': node.name },
    h('div', { class: 'node' },
      h('div', {}, h('strong', {}, node.name), h('div', { class: 'facts' }, `${owner} · ${node.type} · ${node.format} · ${bytes(node.sizeBytes)} virtual`)),
      h('div', {}, bar([{ value: node.uniqueBytes, cls: 'used', label: 'unique' }, { value: node.sharedBytes, cls: 'shared', label: 'shared' }],
        largest, `${bytes(node.uniqueBytes)} unique, ${bytes(node.sharedBytes)} shared`)),
      h('div', { class: 'facts' }, `unique ${bytes(node.uniqueBytes)} · shared ${bytes(node.sharedBytes)}`)),
    node.children.length ? h('ul', { role: 'group' }, node.children.map((child) => item(child, largest, level + 1))) : null);
}

const flatten = (nodes) => nodes.flatMap((n) => [n, ...flatten(n.children)]);

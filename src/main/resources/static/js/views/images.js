// The image tree: golden → fleet base clones → per-machine differencing disks, with unique and shared bytes.
import { get, token } from '../api.js';
import { bar, bytes, h, legend } from '../ui.js';

export function imagesView(container, ctx) {
  const upload = ctx?.can('admin') ? uploadForm() : null;
  return {
    title: 'Image tree',
    async refresh() {
      const forest = await get('/api/images/tree');
      const largest = Math.max(1, ...flatten(forest).map((n) => n.uniqueBytes + n.sharedBytes));
      container.replaceChildren(
        h('h2', {}, 'Image tree'),
        upload,
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

/**
 * Upload a golden image (admin): the browser streams the chosen file as the PUT body, never reading it
 * whole; the bar follows the bytes sent. The answer's problem detail is shown when the upload is refused.
 */
function uploadForm() {
  const file = h('input', { type: 'file', id: 'golden-file', required: true, 'aria-label': 'Disk image file' });
  const name = h('input', { type: 'text', id: 'golden-name', required: true, placeholder: 'golden-v1', 'aria-label': 'Image name' });
  const progress = h('progress', { max: '100', value: '0', 'aria-label': 'Upload progress', hidden: true });
  const status = h('p', { class: 'muted', role: 'status' });
  const form = h('form', { class: 'card row', 'aria-label': 'Upload a golden image' },
    h('strong', {}, 'Upload a golden image'), file, name, h('button', { type: 'submit' }, 'Upload'), progress, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    const request = new XMLHttpRequest();
    request.open('PUT', `/api/images/uploads?name=${encodeURIComponent(name.value)}&type=normal`);
    request.setRequestHeader('Authorization', `Bearer ${token.get()}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    progress.hidden = false;
    progress.value = 0;
    status.className = 'muted';
    status.textContent = `Uploading ${file.files[0].name}…`;
    request.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.floor((100 * e.loaded) / e.total);
    });
    request.addEventListener('load', () => {
      if (request.status === 201) {
        progress.value = 100;
        status.textContent = `Uploaded ${name.value}.`;
        form.reset(); // the tree redraws itself when the image.created event arrives
      } else {
        let detail = `HTTP ${request.status}`;
        try { detail = JSON.parse(request.responseText).detail || detail; } catch { /* not JSON */ }
        status.className = 'error';
        status.textContent = detail;
      }
    });
    request.addEventListener('error', () => { status.className = 'error'; status.textContent = 'The upload failed.'; });
    request.send(file.files[0]);
  });
  return form;
}

// Machines: a list with power buttons; one machine's disks, network forwards, snapshots and live console tail.
import { all, get, getText, post } from '../api.js';
import { openEvents } from '../events.js';
import { actionButton, announce, badge, h } from '../ui.js';

/** "5432/tcp → 127.0.0.1:40001", one per forward: where a client reaches each port of the guest. */
export function forwardList(forwards) {
  if (!forwards || forwards.length === 0) return h('span', { class: 'muted' }, 'none');
  return h('ul', { class: 'forwards' }, forwards.map((f) => h('li', { 'data-forward': `${f.guestPort}/${f.protocol}` },
    h('code', {}, `${f.guestPort}/${f.protocol}`), ' → ', h('code', {}, `${f.hostAddress}:${f.hostPort}`))));
}

export function machinesView(container, ctx, [machineId]) {
  return machineId ? machineDetail(container, ctx, machineId) : machineList(container, ctx);
}

function powerButtons(machine, ctx, error) {
  if (!ctx.can('operator')) return null;
  const running = machine.state === 'running';
  const act = (action, disabled) => {
    const button = actionButton(action[0].toUpperCase() + action.slice(1), `${action} ${machine.name}`, async () => {
      await post(`/api/machines/${machine.id}/${action}`);
      announce(`${machine.name}: ${action}`);
    }, error, 'secondary');
    button.disabled = disabled;
    return button;
  };
  return h('div', { class: 'row' }, act('start', running), act('stop', !running), act('reset', !running));
}

function machineList(container, ctx) {
  return {
    title: 'Machines',
    async refresh() {
      const machines = await all('/api/machines');
      const error = h('p', { class: 'error', role: 'alert' });
      container.replaceChildren(h('h2', {}, 'Machines'), error,
        machines.length === 0 ? h('p', { class: 'muted' }, 'No machines yet.') : h('div', { class: 'card table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'State'), h('th', { class: 'num hide-narrow' }, 'CPUs'),
            h('th', { class: 'num hide-narrow' }, 'Memory'), h('th', { class: 'num' }, 'Disks'), h('th', {}, 'Forwards'),
            ctx.can('operator') ? h('th', {}, 'Power') : null)),
          h('tbody', {}, machines.map((m) => h('tr', { 'data-machine': m.name },
            h('td', {}, h('a', { href: `#/machines/${m.id}` }, m.name)), h('td', {}, badge(m.state)),
            h('td', { class: 'num hide-narrow' }, m.cpus), h('td', { class: 'num hide-narrow' }, `${m.memoryMb} MiB`),
            h('td', { class: 'num' }, m.attachments.length), h('td', { class: 'forwards' }, forwardList(m.network?.forwards)),
            ctx.can('operator') ? h('td', {}, powerButtons(m, ctx, error)) : null))))));
    },
    onEvent: (event) => /^(machine|attachment)\./.test(event.type),
  };
}

function machineDetail(container, ctx, id) {
  // The guest console may show what runs inside it, so like its disk bytes it is for operators and admins.
  const consoleLines = ctx.can('operator') ? h('pre', { class: 'console', 'aria-label': 'Guest console', tabindex: '0' }) : null;
  const closeConsole = consoleLines ? openEvents(`console=${id}&types=console&resource=${id}`, (event) => {
    if (event.type !== 'console') return;
    consoleLines.append(`${event.data.line}\n`);
    while (consoleLines.childNodes.length > 500) consoleLines.firstChild.remove();
    consoleLines.scrollTop = consoleLines.scrollHeight;
  }) : () => {};
  // The last boot's tail first, so the box is not empty until the guest prints again; live lines follow it.
  if (consoleLines) {
    getText(`/api/machines/${id}/console?tail=200`).then((text) => {
      if (text) consoleLines.prepend(text.endsWith('\n') ? text : `${text}\n`);
      consoleLines.scrollTop = consoleLines.scrollHeight;
    }).catch(() => {});
  }
  const names = new Map();
  /** An image's name, asked once per page: disks show names, not ids. */
  const imageName = (imageId) => {
    if (!names.has(imageId)) names.set(imageId, get(`/api/images/${imageId}`).then((i) => i.name).catch(() => imageId));
    return names.get(imageId);
  };
  const imageLink = async (imageId) => h('a', { href: '#/images', title: imageId, 'data-image-link': imageId }, await imageName(imageId));
  return {
    title: 'Machine',
    async refresh() {
      const [machine, snapshots] = await Promise.all([get(`/api/machines/${id}`), get(`/api/machines/${id}/snapshots`)]);
      const disks = await Promise.all(machine.attachments.map(async (a) => ({
        attachment: a, image: await imageLink(a.imageId), own: a.mediumId && a.mediumId !== a.imageId ? await imageLink(a.mediumId) : null })));
      const error = h('p', { class: 'error', role: 'alert' });
      container.replaceChildren(...[
        h('p', {}, h('a', { href: '#/machines' }, '← Machines')),
        h('section', { class: 'card' },
          h('div', { class: 'row spread' }, h('h2', {}, machine.name, ' ', badge(machine.state)), powerButtons(machine, ctx, error)),
          error,
          h('p', { class: 'muted' }, `${machine.cpus} CPUs · ${machine.memoryMb} MiB · id ${machine.id}`),
          machine.state === 'unknown' ? h('p', { class: 'error', 'data-node-lost': machine.node || '' },
            `Node ${machine.node} was lost while the guest ran (lastExit nodeLost): it runs again when that node comes`
            + ' back; a machine whose disks all autoreset may be started on another node'
            + ` (POST /api/machines/${machine.id}/start?node=NAME).`) : null,
          h('h3', {}, 'Disks'),
          machine.attachments.length === 0 ? h('p', { class: 'muted' }, 'No disks attached.') : h('div', { class: 'table-wrap' }, h('table', {},
            h('thead', {}, h('tr', {}, h('th', {}, 'Slot'), h('th', {}, 'Type'), h('th', {}, 'Image'), h('th', {}, 'Own disk'), h('th', {}, 'Autoreset'))),
            h('tbody', {}, disks.map(({ attachment: a, image, own }) => h('tr', { 'data-disk': `${a.port}:${a.device}` },
              h('td', {}, `${a.port}:${a.device}`), h('td', {}, a.type), h('td', {}, image), h('td', {}, own || '—'),
              h('td', {}, a.autoReset ? 'yes' : 'no'))))))),
        h('section', { class: 'card', 'aria-label': 'Network' }, h('h3', {}, 'Network'),
          h('p', { class: 'muted' }, machine.network.mode === 'none' ? 'No network.'
            : `User-mode networking · ${machine.network.outbound ? 'may reach out' : 'reaches nothing but its forwards'}`),
          forwardList(machine.network.forwards)),
        h('section', { class: 'card' }, h('h3', {}, 'Snapshots'),
          flattenSnapshots(snapshots).length === 0 ? h('p', { class: 'muted' }, 'No snapshots.')
            : h('ul', {}, flattenSnapshots(snapshots).map((s) => h('li', {}, `${'— '.repeat(s.depth)}${s.name}${s.current ? ' (current)' : ''}`)))),
        consoleLines ? h('section', { class: 'card' }, h('h3', {}, 'Console'), h('p', { class: 'muted' }, 'The last boot\'s latest lines, then new ones, live.'), consoleLines) : null,
      ].filter(Boolean));
    },
    onEvent: (event) => (event.data?.id === id || event.data?.machineId === id) && event.type !== 'console',
    dispose: closeConsole,
  };
}

function flattenSnapshots(list, depth = 0) {
  const items = Array.isArray(list) ? list : list?.items || (list ? [list] : []);
  return items.flatMap((s) => [{ ...s, depth }, ...flattenSnapshots(s.children || [], depth + 1)]);
}

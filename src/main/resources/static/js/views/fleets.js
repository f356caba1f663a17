// Fleets: members with live state, forwards and power buttons, scale, the inventory (JSON or Ansible), and the
// space the fleet uses against what it saves.
import { all, get, getText, patch, post } from '../api.js';
import { actionButton, announce, badge, bar, bytes, h, legend } from '../ui.js';
import { forwardList } from './machines.js';

export function fleetsView(container, ctx) {
  const view = {
    title: 'Fleets',
    async refresh() {
      const fleets = await all('/api/fleets');
      const inventories = await Promise.all(fleets.map((f) => get(`/api/fleets/${f.id}/inventory`).catch(() => null)));
      fleets.forEach((f, i) => { f.inventory = inventories[i]; });
      container.replaceChildren(
        h('div', { class: 'row spread' }, h('h2', {}, 'Fleets'),
          ctx.can('admin') ? h('a', { class: 'button', href: '#/deploy' }, 'Deploy a fleet') : null),
        fleets.length === 0 ? h('p', { class: 'muted' }, 'No fleets yet.') : h('div', { class: 'grid' }, fleets.map((f) => fleetCard(f, ctx))));
    },
    onEvent: (event) => /^(fleet|machine|attachment)\./.test(event.type),
  };
  return view;
}

function fleetCard(fleet, ctx) {
  const error = h('p', { class: 'error', role: 'alert' });
  const usage = fleet.usage;
  const power = (action) => actionButton(`${capital(action)} all`, `${capital(action)} every machine of ${fleet.name}`, async () => {
    // An operation: followed here until it ends (the members' states change live meanwhile).
    let operation = await post(`/api/fleets/${fleet.id}/${action}`);
    announce(`${fleet.name}: ${action} of every machine accepted`);
    while (operation.state === 'queued' || operation.state === 'running') {
      operation = await get(`/api/operations/${operation.id}/wait?timeout=30`);
    }
    const r = operation.result || {};
    announce(`${fleet.name}: ${action} ${operation.state}: ${r.succeeded ?? 0} done, ${r.unchanged ?? 0} unchanged, ${r.failed ?? 0} failed`);
    if (operation.state === 'failed') throw new Error(operation.error?.detail || `${action} failed`);
  }, error, 'secondary');
  const sizeInput = h('input', { type: 'number', min: '0', max: '1000', value: fleet.size, id: `size-${fleet.id}` });
  return h('section', { class: 'card fleet', 'data-fleet': fleet.name, 'aria-label': `Fleet ${fleet.name}` },
    h('div', { class: 'row spread' },
      h('h3', {}, fleet.name, ' ', badge(fleet.state)),
      h('span', { class: 'muted' }, `${fleet.machines.length} of ${fleet.size} machines · prefix ${fleet.machineNamePrefix}`)),
    h('div', { style: 'margin:.6rem 0' },
      bar([{ value: usage.totalBytes, cls: 'used', label: 'used' }, { value: Math.max(0, usage.savedBytes), cls: 'saved', label: 'saved' }],
        usage.fullClonesBytes, `${bytes(usage.totalBytes)} used, ${bytes(usage.savedBytes)} saved against ${bytes(usage.fullClonesBytes)} of full copies`),
      legend([['used', `used ${bytes(usage.totalBytes)} (base ${bytes(usage.baseBytes)} + disks ${bytes(usage.machineDisksBytes)})`],
        ['saved', `saved ${bytes(usage.savedBytes)}`]])),
    h('div', { class: 'row' },
      ctx.can('operator') ? [power('start'), power('stop'), power('reset')] : null,
      ctx.can('admin') ? h('span', { class: 'row' }, h('label', { class: 'inline', for: `size-${fleet.id}`, style: 'margin:0 0 0 .5rem' }, 'Size'), sizeInput,
        actionButton('Scale', `Scale ${fleet.name}`, async () => {
          await patch(`/api/fleets/${fleet.id}`, { size: Number(sizeInput.value) });
          announce(`${fleet.name} scaling to ${sizeInput.value}`);
        }, error, 'secondary')) : null),
    error,
    h('div', { class: 'table-wrap members' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Machine'), h('th', {}, 'State'), h('th', { class: 'num' }, 'Disk'), h('th', {}, 'Forwards'),
        ctx.can('operator') ? h('th', {}, 'Power') : null)),
      h('tbody', {}, fleet.machines.map((m) => memberRow(m, forwardsOf(fleet, m), ctx, error))))),
    inventoryButtons(fleet, error));
}

/** The member's forwards from the fleet's inventory, as the machine lists them. */
function forwardsOf(fleet, member) {
  const host = fleet.inventory?.machines.find((m) => m.id === member.machineId);
  return Object.entries(host?.forwards || {}).map(([key, endpoint]) => {
    const [guestPort, protocol] = key.split('/');
    const at = endpoint.lastIndexOf(':');
    return { guestPort, protocol, hostAddress: endpoint.slice(0, at), hostPort: endpoint.slice(at + 1) };
  });
}

/**
 * The inventory as JSON or as an Ansible YAML inventory, shown and offered for download: fetched with the
 * token (a plain link would carry none), so the file is made here.
 */
function inventoryButtons(fleet, error) {
  const shown = h('pre', { class: 'inventory', 'aria-label': `Inventory of ${fleet.name}`, tabindex: '0', hidden: '' });
  const download = h('a', { class: 'button secondary', hidden: '' }, 'Download');
  const show = (label, format, type, extension) => actionButton(label, `${label} of ${fleet.name}`, async () => {
    const text = format === 'ansible' ? await getText(`/api/fleets/${fleet.id}/inventory?format=ansible`)
      : JSON.stringify(await get(`/api/fleets/${fleet.id}/inventory`), null, 2);
    shown.textContent = text;
    shown.hidden = false;
    if (download.href) URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(new Blob([text], { type }));
    download.download = `${fleet.name}-inventory.${extension}`;
    download.hidden = false;
  }, error, 'secondary');
  return h('div', {}, h('div', { class: 'row' }, show('Inventory', 'json', 'application/json', 'json'),
    show('Ansible inventory', 'ansible', 'application/yaml', 'yml'), download), shown);
}

function memberRow(member, forwards, ctx, error) {
  const running = member.state === 'running';
  const act = (action, enabled) => actionButton(capital(action), `${capital(action)} ${member.name}`, async () => {
    await post(`/api/machines/${member.machineId}/${action}`);
    announce(`${member.name}: ${action}`);
  }, error, 'secondary');
  const buttons = [act('start'), act('stop'), act('reset')];
  buttons[0].disabled = running;
  buttons[1].disabled = !running;
  buttons[2].disabled = !running;
  return h('tr', { 'data-machine': member.name },
    h('td', {}, h('a', { href: `#/machines/${member.machineId}` }, member.name)),
    h('td', { class: 'state' }, badge(member.state)),
    h('td', { class: 'num' }, bytes(member.diskBytes)),
    h('td', { class: 'forwards' }, forwardList(forwards)),
    ctx.can('operator') ? h('td', {}, h('div', { class: 'row' }, buttons)) : null);
}

const capital = (text) => text[0].toUpperCase() + text.slice(1);

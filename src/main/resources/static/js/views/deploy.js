// Deploy a fleet: choose a golden image, a size, a prefix and the guest ports to forward, then watch the
// operation bring it up.
import { all, get, post } from '../api.js';
import { badge, bytes, h } from '../ui.js';

export function deployView(container, ctx) {
  let operationId = null;
  const progress = h('div', { 'aria-live': 'polite' });
  const view = {
    title: 'Deploy a fleet',
    async refresh() {
      if (container.querySelector('form')) return showProgress();
      if (!ctx.can('admin')) {
        container.replaceChildren(h('h2', {}, 'Deploy a fleet'), h('p', {}, 'Deploying a fleet needs the admin role.'));
        return;
      }
      // Base images only (machines' own disks are not goldens), immutable ones first: those are the goldens proper.
      const goldens = (await all('/api/images?kind=base'))
        .sort((a, b) => (b.type === 'immutable') - (a.type === 'immutable'));
      const error = h('p', { class: 'error', role: 'alert' });
      const field = (id, text, input) => [h('label', { for: id }, text), input];
      const form = h('form', { class: 'card narrow', id: 'deploy-form' },
        field('golden', 'Golden image', h('select', { id: 'golden', required: true },
          goldens.map((image) => h('option', { value: image.id }, `${image.name} (${image.format}, ${bytes(image.sizeBytes)})`)))),
        field('fleet-name', 'Fleet name', h('input', { id: 'fleet-name', type: 'text', required: true, maxlength: '200', value: `fleet-${Date.now().toString(36)}` })),
        field('fleet-size', 'Machines', h('input', { id: 'fleet-size', type: 'number', min: '1', max: '1000', required: true, value: '2' })),
        field('fleet-prefix', 'Machine name prefix', h('input', { id: 'fleet-prefix', type: 'text', required: true, pattern: '[a-z0-9][a-z0-9-]*', value: 'db' })),
        field('fleet-forwards', 'Forwarded guest ports (each machine gets host ports of its own)', h('input', { id: 'fleet-forwards',
          type: 'text', placeholder: '5432, 22, 53/udp' })),
        h('label', { class: 'inline' }, h('input', { id: 'fleet-autoreset', type: 'checkbox', checked: true }), 'Autoreset (empty each disk at power-on)'),
        h('label', { class: 'inline' }, h('input', { id: 'fleet-start', type: 'checkbox' }), 'Start the machines'),
        h('div', {}, h('button', { type: 'submit' }, 'Deploy')), error);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          const operation = await post('/api/fleets', {
            name: form.querySelector('#fleet-name').value, goldenImageId: form.querySelector('#golden').value,
            size: Number(form.querySelector('#fleet-size').value), machineNamePrefix: form.querySelector('#fleet-prefix').value,
            autoReset: form.querySelector('#fleet-autoreset').checked, start: form.querySelector('#fleet-start').checked,
            network: { forwards: forwards(form.querySelector('#fleet-forwards').value) } });
          operationId = operation.id;
          await showProgress();
        } catch (failure) {
          error.textContent = failure.message;
        }
      });
      container.replaceChildren(h('h2', {}, 'Deploy a fleet'),
        goldens.length === 0 ? h('p', {}, 'Upload a golden image first (PUT /api/images/uploads).') : form, progress);
    },
    onEvent: (event) => operationId && event.data?.id === operationId,
  };

  /** "5432, 53/udp" → [{guestPort: 5432}, {guestPort: 53, protocol: 'udp'}]. */
  function forwards(text) {
    return text.split(/[\s,]+/).filter(Boolean).map((port) => {
      const [guestPort, protocol] = port.split('/');
      return protocol ? { guestPort: Number(guestPort), protocol } : { guestPort: Number(guestPort) };
    });
  }

  async function showProgress() {
    if (!operationId) return;
    const operation = await get(`/api/operations/${operationId}`);
    const machines = operation.result?.machines || [];
    progress.replaceChildren(h('section', { class: 'card', id: 'deploy-progress' },
      h('h3', {}, 'Deployment ', badge(operation.state)),
      h('progress', { max: '100', value: operation.progress, 'aria-label': `deployment ${operation.progress}%` }), ` ${operation.progress}%`,
      operation.error ? h('p', { class: 'error' }, operation.error.detail) : null,
      h('ul', {}, machines.map((m) => h('li', {}, `${m.name ?? m.machineId} `, badge(m.state ?? 'made')))),
      operation.state === 'succeeded' ? h('p', {}, h('a', { href: '#/fleets' }, 'See the fleet')) : null));
  }
  return view;
}

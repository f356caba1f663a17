// Server-sent events over fetch(): EventSource cannot send an Authorization header, fetch can. Parses the
// text/event-stream format (WHATWG HTML 9.2) and reconnects with Last-Event-ID, so nothing is missed.
import { token } from './api.js';

export function openEvents(query, onEvent, onStatus = () => {}) {
  const controller = new AbortController();
  let lastEventId = null;
  let stopped = false;

  async function connect() {
    while (!stopped) {
      try {
        const headers = { Authorization: `Bearer ${token.get()}`, Accept: 'text/event-stream' };
        if (lastEventId) headers['Last-Event-ID'] = lastEventId;
        const response = await fetch(`/api/events${query ? `?${query}` : ''}`, { headers, signal: controller.signal });
        if (!response.ok || !response.body) throw new Error(`event stream: HTTP ${response.status}`);
        onStatus(true);
        await read(response.body.getReader());
      } catch (error) {
        if (stopped) return;
      }
      onStatus(false);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  async function read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
        if (line === '') {
          if (event.data.length) dispatch(event);
          event = { data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data.push(text);
          else if (field === 'event') event.type = text;
          else if (field === 'id') event.id = text;
        }
      }
    }
  }

  function dispatch(event) {
    if (event.id) lastEventId = event.id;
    let data;
    try { data = JSON.parse(event.data.join('\n')); } catch { data = { text: event.data.join('\n') }; }
    onEvent({ id: event.id, type: event.type || 'message', data });
  }

  connect();
  return () => { stopped = true; controller.abort(); };
}

// Calls to the Diskfleet API with the bearer token kept in this tab's sessionStorage (never in a URL).
const KEY = 'diskfleet.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token.get()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? safeJson(text) : null;
  if (response.status === 401) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return { detail: text }; }
}

export const get = (path) => api('GET', path);

/** A GET whose answer is text (an Ansible YAML inventory), not JSON. */
export async function getText(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token.get()}` } });
  const text = await response.text();
  if (response.status === 401) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, safeJson(text));
  return text;
}
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** Every item of a paged list (PageResponse), up to 2000. */
export async function all(path) {
  const items = [];
  const joiner = path.includes('?') ? '&' : '?';
  for (let page = 0; page < 4; page++) {
    const result = await get(`${path}${joiner}page=${page}&size=500`);
    items.push(...result.items);
    if (page + 1 >= result.totalPages) break;
  }
  return items;
}

/** History routing: real URLs like /prefix/154.80.0.0/16; the server falls back to index.html. */
export type View = (main: HTMLElement, params: string[], query: URLSearchParams) => void | (() => void) | Promise<void | (() => void)>;

interface RouteDef {
  pattern: RegExp;
  view: View;
}

const routes: RouteDef[] = [];
let cleanup: (() => void) | void = undefined;
let rendering = 0;

export function route(pattern: RegExp, view: View): void {
  routes.push({ pattern, view });
}

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  void render();
}

export async function render(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  const ticket = ++rendering;
  if (cleanup) cleanup();
  cleanup = undefined;
  main.replaceChildren();
  const path = decodeURI(location.pathname);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const target = a.getAttribute('href') ?? '';
    const active = target === '/' ? path === '/' || path === '/feed' : path.startsWith(target);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const result = await r.view(main, m.slice(1), new URLSearchParams(location.search));
    if (ticket === rendering) cleanup = result;
    else if (result) result();
    return;
  }
  main.append(Object.assign(document.createElement('p'), { textContent: `No page at ${path}.`, className: 'error' }));
}

/** Same-origin links marked data-route are handled here instead of reloading the page. */
export function installLinkHandler(): void {
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a[data-route]') as HTMLAnchorElement | null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  });
  window.addEventListener('popstate', () => void render());
}

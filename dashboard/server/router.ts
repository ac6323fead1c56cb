import { HttpError } from './http.js';
import type { Route, RouteContext } from './types.js';

/** Finds the route for a path; 405 with the allowed methods when the path exists under another method. */
export function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; params: RouteContext['params'] } | null {
  const allowed = new Set<string>();
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const wanted = method === 'HEAD' ? 'GET' : method;
    if (route.method !== wanted) {
      allowed.add(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        throw new HttpError(400, 'bad-request', `malformed URL escape in ${JSON.stringify(v)}`);
      }
    }
    return { route, params };
  }
  if (allowed.size > 0) throw new MethodNotAllowed([...allowed]);
  return null;
}

export class MethodNotAllowed extends HttpError {
  constructor(readonly allow: string[]) {
    super(405, 'method-not-allowed', `method not allowed here; use ${allow.join(' or ')}`);
  }
}

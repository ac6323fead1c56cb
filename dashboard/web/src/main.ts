import './style.css';
import { getJson, qs, ApiError } from './api.js';
import { installLinkHandler, navigate, render, route } from './router.js';
import { feedView } from './views/feed.js';
import { matrixView, cellView } from './views/matrix.js';
import { mapView } from './views/map.js';
import { topView } from './views/top.js';
import { prefixView, ipView } from './views/prefix.js';
import { asnView } from './views/asn.js';
import { countryView } from './views/country.js';
import { healthView } from './views/health.js';
import { sqlView } from './views/sql.js';
import { indexView } from './views/index.js';
import { registryChangesView } from './views/registry-changes.js';
import { holderView, holdersView } from './views/holders.js';
import { installTokenPrompt } from './auth-prompt.js';
import { startSession } from './auth-token.js';

route(/^\/(?:feed)?$/, feedView);
route(/^\/index$/, indexView);
route(/^\/matrix$/, matrixView);
route(/^\/matrix\/([a-z]+)\/([a-z]+)$/, cellView);
route(/^\/map$/, mapView);
route(/^\/top$/, topView);
route(/^\/prefix\/(.+\/\d{1,3})$/, prefixView);
route(/^\/ip\/([0-9a-fA-F:.]+)$/, ipView);
route(/^\/asn\/(?:AS)?(\d+)$/i, asnView);
route(/^\/country\/([A-Za-z]{2})$/, countryView);
route(/^\/health$/, healthView);
route(/^\/sql$/, sqlView);
route(/^\/registry-changes$/, registryChangesView);
route(/^\/holders$/, holdersView);
route(/^\/holder\/([a-z]+)\/([^/]+)$/, holderView);

const form = document.getElementById('search') as HTMLFormElement;
const input = document.getElementById('search-q') as HTMLInputElement;
const status = document.getElementById('status-line') as HTMLElement;
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = input.value.trim();
  if (!q) return;
  getJson<{ kind: string; path: string }>(`/api/search${qs({ q })}`)
    .then((r) => {
      status.textContent = '';
      input.setCustomValidity('');
      navigate(r.path);
    })
    .catch((err: unknown) => {
      status.textContent = err instanceof ApiError ? err.message : String(err);
      input.setAttribute('aria-invalid', 'true');
    });
});
input.addEventListener('input', () => input.removeAttribute('aria-invalid'));

installLinkHandler();
installTokenPrompt();
// The token (a #token= link, or one kept in this tab) is traded for the session cookie first, so
// the first page's API calls and its live feed are authorised.
void startSession().then(() => render());

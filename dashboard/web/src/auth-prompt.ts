/** Asks for the API token when the server answers 401 (a dashboard served with --api-token). */
import { h } from './dom.js';
import { useToken } from './auth-token.js';
import { render } from './router.js';

let shown = false;

export function installTokenPrompt(): void {
  window.addEventListener('portolan:unauthorized', () => {
    if (shown) return;
    shown = true;
    const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', required: true, minlength: 16, 'aria-describedby': 'token-help' });
    const message = h('p', { class: 'error', role: 'alert', id: 'token-error', hidden: true }, 'That token was refused.');
    const form = h(
      'form',
      { class: 'card token-prompt', id: 'token-prompt', 'aria-label': 'API token' },
      h('h2', {}, 'This dashboard needs its API token'),
      h('p', { id: 'token-help', class: 'note' }, 'It was started with --api-token. The token stays in this tab (sessionStorage); a link ending in #token=… signs in directly.'),
      h('div', { class: 'field' }, h('label', { for: 'token-input' }, 'API token'), input),
      h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, 'Use token')),
      message,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void useToken(input.value.trim()).then((ok) => {
        if (!ok) {
          message.hidden = false;
          input.setAttribute('aria-invalid', 'true');
          return;
        }
        form.remove();
        shown = false;
        void render();
      });
    });
    document.getElementById('main')?.before(form);
    input.focus();
  });
}

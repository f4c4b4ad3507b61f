// Sign in with an associate id and PIN. Wrong PINs, a locked or disabled
// account: the server's message is shown as it is (it says how long a
// lockout lasts).
import { signIn } from '../api.js';
import { h } from '../dom.js';
import { feedback } from '../feedback.js';

export default {
  route: 'signin',
  title: 'Sign in',
  nav: false,
  mount(root, { app, reason }) {
    const error = h('div', { id: 'signin-error', class: 'alert bad', role: 'alert', hidden: !reason }, reason || '');
    const id = h('input', {
      id: 'associate', name: 'associate', autocomplete: 'username', autocapitalize: 'none',
      spellcheck: 'false', required: true, 'aria-describedby': 'signin-error',
    });
    const pin = h('input', {
      id: 'pin', name: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'current-password',
      required: true, 'aria-describedby': 'signin-error',
    });
    const button = h('button', { type: 'submit', class: 'primary big' }, 'Sign in');
    const form = h('form', { class: 'card stack', 'aria-labelledby': 'signin-title' },
      h('label', { for: 'associate' }, 'Associate ID'), id,
      h('label', { for: 'pin' }, 'PIN'), pin,
      error,
      h('div', { class: 'actions' }, button));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.hidden = true;
      button.disabled = true;
      try {
        const s = await signIn(id.value.trim(), pin.value);
        feedback.ok(`Signed in as ${s.associate_id}`);
        app.navigate('#/queue');
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
        pin.value = '';
        pin.focus();
        feedback.bad(e.message);
      } finally {
        button.disabled = false;
      }
    });
    root.append(h('section', { class: 'signin' },
      h('h1', { id: 'signin-title' }, 'Sign in'),
      h('p', { class: 'muted' }, 'Use your associate ID and PIN.'),
      form));
    id.focus();
    return {};
  },
};

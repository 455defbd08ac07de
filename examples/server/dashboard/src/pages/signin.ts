import { signIn } from '../api';
import { errorText, h } from '../dom';

export function signInPage(root: HTMLElement, next: () => void): void {
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const status = h('p', { id: 'signin-status', role: 'alert', class: 'notice error', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', tabindex: -1 }, 'Sign in to Energy'),
    h('p', {}, 'Use the account your administrator created for you.'),
    h('label', { for: 'email' }, 'E-mail'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    button,
    status,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    status.hidden = true;
    try {
      await signIn(email.value, password.value);
      next();
    } catch (e) {
      status.textContent = errorText(e);
      status.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  root.replaceChildren(form);
  email.focus();
}

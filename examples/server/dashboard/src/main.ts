// The dashboard's shell: header and navigation, hash routes (#/portfolio, #/building/ID,
// #/alerts, #/uploads, #/signin), focus moved to each page's heading for keyboard and screen
// reader users, and sign-in whenever there is no session.
import { currentUser, onSessionEnd, signOut } from './api';
import { h } from './dom';
import { alertsPage } from './pages/alerts';
import { buildingPage, leaveBuildingPage } from './pages/building';
import { portfolioPage } from './pages/portfolio';
import { signInPage } from './pages/signin';
import { uploadsPage } from './pages/uploads';
import './style.css';

performance.mark('app:boot');

const header = document.getElementById('app-header')!;
const main = document.getElementById('main')!;

function renderHeader(): void {
  const user = currentUser();
  const route = location.hash.split('?')[0];
  const link = (href: string, text: string) =>
    h('a', { href, 'aria-current': route.startsWith(href) ? 'page' : null }, text);
  const parts: Array<HTMLElement | null> = [
    h('a', { class: 'skip', href: '#main', onclick: (ev: Event) => { ev.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('span', { class: 'brand' }, 'Energy'),
    user
      ? h(
          'nav',
          { 'aria-label': 'Main' },
          link('#/portfolio', 'Portfolio'),
          link('#/alerts', 'Alerts'),
          link('#/uploads', 'Uploads'),
        )
      : null,
    user
      ? h(
          'div',
          { class: 'who' },
          h('span', { id: 'who' }, `${user.email} (${user.role})`),
          h('button', { type: 'button', id: 'sign-out', onclick: () => void signOut() }, 'Sign out'),
        )
      : null,
  ];
  header.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

async function route(): Promise<void> {
  leaveBuildingPage();
  const [path, qs] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(qs ?? '');
  renderHeader();
  if (path === '/empty') {
    // The performance baseline: the shell with nothing to load.
    main.replaceChildren(h('h1', { tabindex: -1 }, 'Empty'));
    requestAnimationFrame(() => performance.mark('empty:fmp'));
    return;
  }
  if (!currentUser()) {
    signInPage(main, () => {
      if (location.hash.startsWith('#/signin') || !location.hash) location.hash = '#/portfolio';
      else void route();
    });
    return;
  }
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'building' && parts[1]) await buildingPage(main, parts[1], query);
  else if (parts[0] === 'alerts') await alertsPage(main, query);
  else if (parts[0] === 'uploads') await uploadsPage(main);
  else await portfolioPage(main);
  main.querySelector<HTMLElement>('h1')?.focus();
  document.title = `${main.querySelector('h1')?.textContent ?? 'Energy'} · Energy`;
  main.dataset.ready = location.hash;
}

onSessionEnd(() => {
  location.hash = '#/signin';
  void route();
});
window.addEventListener('hashchange', () => void route());
void route();

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { appStore } from './store/store.js';
import { wireLarmor } from './store/wire-larmor.js';
import { wireDesk } from './store/wire-desk.js';
import '../../base/browser/styles.css';

const api = window.larmor ?? null;
// Wired once for the life of the window, outside React, so StrictMode's double effects never
// subscribe twice.
if (api) wireLarmor(api, appStore);
if (api) wireDesk(api, appStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App apiAvailable={api !== null} />
  </StrictMode>,
);

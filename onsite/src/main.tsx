import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../base/browser/styles.css';
import './onsite.css';
import { OnsiteApp } from './OnsiteApp.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <OnsiteApp />
  </StrictMode>,
);

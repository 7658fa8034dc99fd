import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { startLiveSync } from './store/live-sync.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/stage.css';
import './styles/views.css';
import './styles/autonomy.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
startLiveSync();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

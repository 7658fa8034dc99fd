import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { startLiveSync } from './store/live-sync.js';
import { startTheme } from './store/theme-store.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/stage.css';
import './styles/views.css';
import './styles/settings.css';
import './styles/artifacts.css';
import './styles/data.css';
import './styles/autonomy.css';
import './styles/themes.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
startTheme();
startLiveSync();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

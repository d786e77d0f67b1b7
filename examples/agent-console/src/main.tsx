import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@tierdesk/react/styles.css';
import './console.css';
import { ConsoleApp } from './console-app';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ConsoleApp />
  </StrictMode>,
);

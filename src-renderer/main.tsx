import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ClientContext } from './components/ClientContext';
import { getClient, getTransport } from './ipc';
import { useAppStore } from './store';
import { startBridge } from './store/bridge';
import './styles.css';

// When the app's script starts running (the launch benchmark splits parse time from the rest).
performance.mark('capstan:start');

const client = getClient();
const transport = getTransport();
startBridge(client, useAppStore, {
  watchTransport: (listener) => {
    listener(transport.getState());
    return transport.onStateChange(listener);
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
);

import { createContext, useContext } from 'react';
import type { AppClient } from '../../src-shared/contract';

/** Requests (reconnect, getYaml, consent) go through the client given here; pushes go through store/bridge.ts. */
export const ClientContext = createContext<AppClient | null>(null);

export function useClient(): AppClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

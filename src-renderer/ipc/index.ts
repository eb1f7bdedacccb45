export { createClient, getClient, getTransport, hasElectronBridge } from './client';
export type { ConnectionState, Transport } from './transport';
export { ElectronTransport } from './electron-transport';
export { WebSocketTransport, type WebSocketTransportOptions, type WebSocketLike } from './ws-transport';

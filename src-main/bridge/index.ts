export { startBridgeServer, type BridgeServer, type BridgeServerOptions } from './http-server';
export { attachWsBridge, type WsBridge, type WsBridgeOptions } from './ws-bridge';
export { newToken, checkUpgrade, checkHost, checkOrigin, checkToken } from './auth';

// Sandboxed preload: bundled as CommonJS with its dependencies inlined; may import only 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import { contract } from '../src-shared/contract';
import { BRIDGE_KEY } from '../src-shared/contract/bridge';
import { buildBridge } from './bridge';

contextBridge.exposeInMainWorld(BRIDGE_KEY, buildBridge(contract, ipcRenderer));

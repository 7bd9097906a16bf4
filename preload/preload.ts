/**
 * Electron preload (sandboxed, contextIsolation on): exposes a narrow, task-shaped
 * `window.larmor`. No generic invoke(channel) reaches the page; every function maps to one
 * channel that the main process validates (sender and payload) again. A sandboxed preload may
 * require only `electron`, so this file is bundled with the client it shares with the browser
 * shell (`npm run build:preload`, preload/vite.config.ts).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createLarmorClient } from '../protocol/bridge.js';
import { ipcTransport } from './ipc-transport.js';

contextBridge.exposeInMainWorld('larmor', createLarmorClient(ipcTransport(ipcRenderer)));

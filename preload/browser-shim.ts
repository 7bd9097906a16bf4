/**
 * Browser-shell implementation of window.larmor: the same client the Electron preload exposes
 * (protocol/bridge.ts), over a WebSocket to the workstation core that served this page. Loaded
 * before the renderer's own script; the renderer cannot tell the two apart.
 */
import { BRIDGE_TOKEN_META, BROWSER_BRIDGE_PATH, createLarmorClient } from '../protocol/bridge.js';
import { webSocketTransport } from './ws-transport.js';

const token = document.querySelector(`meta[name="${BRIDGE_TOKEN_META}"]`)?.getAttribute('content') ?? '';
const ws = new WebSocket(`ws://${location.host}${BROWSER_BRIDGE_PATH}?token=${encodeURIComponent(token)}`);

Object.defineProperty(window, 'larmor', { value: Object.freeze(createLarmorClient(webSocketTransport(ws))), writable: false, configurable: false });

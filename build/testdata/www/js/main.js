// The page script: wires the UI to the engine.
import { render } from './ui.js';
import { Engine } from '../offcut.js';
export { add, NAME } from './util.js';

const engine = new Engine();
render(document.body, engine);

async function later() {
  const lazy = await import('./lazy.js');
  return lazy.default;
}
later();

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js');
}

// offcut.js: the public engine module, served at a fixed URL.
export class Engine {
  constructor() {
    this.worker = new Worker(new URL('./js/worker.js', import.meta.url), { type: 'module' });
    this.icon = new URL(`./img/logo.svg`, import.meta.url);
  }
}

// The engine worker: a module worker running the Go engine.
import '../wasm_exec.js';

const wasmURL = new URL('../offcut.wasm', import.meta.url);
const go = new self.Go();

self.onmessage = async (event) => {
  const { instance } = await WebAssembly.instantiateStreaming(fetch(wasmURL), go.importObject);
  go.run(instance);
  self.postMessage({ id: event.data.id, result: 'ready' });
};

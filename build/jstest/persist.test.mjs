// Unit tests of the private copies' clean-up (www/js/persist.js), on an
// in-memory stand-in for the origin private file system.
import test from 'node:test';
import assert from 'node:assert/strict';

/** An OPFS directory in memory; keys() can be held at a name. */
class Dir {
  constructor() {
    this.files = new Map();
    this.beforeKey = null; // async hook run before each name is handed out
  }
  async getFileHandle(name, { create } = {}) {
    if (!this.files.has(name)) {
      if (!create) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
      this.files.set(name, new Blob([]));
    }
    const dir = this;
    return {
      async getFile() {
        return dir.files.get(name);
      },
      async createWritable() {
        const parts = [];
        return new WritableStream({
          write: async (chunk) => {
            parts.push(chunk);
            if (dir.onWrite) await dir.onWrite(name);
          },
          close: () => dir.files.set(name, new Blob(parts)),
        });
      },
    };
  }
  async removeEntry(name) {
    this.files.delete(name);
  }
  async *keys() {
    for (const name of [...this.files.keys()]) {
      if (this.beforeKey) await this.beforeKey(name);
      yield name;
    }
  }
}

const dir = new Dir();
globalThis.navigator = {
  storage: {
    async getDirectory() {
      return { getDirectoryHandle: async () => dir };
    },
  },
};
const { keepCopy, pruneCopies } = await import('../../www/js/persist.js');

test('a clean-up that was walking the copies while one finished keeps it', async () => {
  // The copy is being written when the clean-up starts (it knew of no
  // copy), and finishes while the clean-up walks the directory, just
  // before the walk reaches it: the next save names it, so it must stay.
  let release;
  const held = new Promise((r) => (release = r));
  dir.onWrite = () => held;
  const file = new File([new Uint8Array(1000).fill(7)], 'b.wav', { lastModified: 1 });
  const copying = keepCopy(file);
  while (!dir.files.size) await new Promise((r) => setTimeout(r, 1));
  const [name] = dir.files.keys();
  dir.beforeKey = async () => {
    release();
    await copying; // the copy is done before the walk looks at its name
  };
  await pruneCopies(new Set(), new Set());
  dir.beforeKey = null;
  dir.onWrite = null;
  assert.ok(dir.files.has(name), 'the finished copy was deleted');
  assert.equal((await dir.files.get(name).arrayBuffer()).byteLength, 1000);
});

test('a clean-up deletes the copies the saved session no longer names', async () => {
  const file = new File([new Uint8Array(10)], 'c.wav', { lastModified: 2 });
  await keepCopy(file);
  dir.files.set('stray', new Blob(['x'])); // left by an older session
  const names = new Set(dir.files.keys());
  await pruneCopies(new Set(), names);
  assert.deepEqual([...dir.files.keys()], []);
});

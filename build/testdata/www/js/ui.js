import { add, NAME } from './util.js';
import * as util from "./util.js";

/** Draws something. */
export function render(root, engine) {
  const longVariableName = add(1, 2);
  root.dataset.sum = String(longVariableName + util.add(0, 0));
  root.title = NAME;
  return engine;
}

export const describe = () => `${NAME}: ${add(20, 22)}`;
export default describe;

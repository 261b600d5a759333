/**
 * How big a model this machine can hold, from its memory (issue #17:
 * Linear(100000, 100000) validated as fine and failed later in V8). The Node
 * hosts call `setMachineMemory(os.totalmem())`; elsewhere an 8 GiB machine is
 * assumed. A quarter of the memory, at most 2 GiB (the WebAssembly kernels
 * address 4 GiB and training needs room beside the weights), is the budget:
 * - parameters: 16 bytes each to train (float32 weight, gradient and Adam's
 *   two moments);
 * - activations: the layer outputs one sample keeps for the backward pass, in
 *   float32, so that a batch of 16 samples fits.
 */
const GiB = 2 ** 30;
export const BYTES_PER_PARAMETER = 16;
export const BATCH_THAT_FITS = 16;

export interface ModelBudget {
  /** The memory the model may use, bytes. */
  bytes: number;
  /** Most parameters (the whole model's). */
  params: number;
  /** Most float32 values one sample's input and layer outputs may hold together. */
  activations: number;
}

export function budgetFor(machineMemory: number): ModelBudget {
  const bytes = Math.min(Math.floor(machineMemory / 4), 2 * GiB);
  return { bytes, params: Math.floor(bytes / BYTES_PER_PARAMETER), activations: Math.floor(bytes / 4 / BATCH_THAT_FITS) };
}

let current = budgetFor(8 * GiB);

/** Sets the budget from the machine's total memory (bytes). */
export function setMachineMemory(bytes: number): void {
  current = budgetFor(bytes);
}

export function modelBudget(): ModelBudget {
  return current;
}

/** 1,234,567 and "1.5 GB": the numbers a budget message shows. */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function bytesText(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toPrecision(3)} ${units[i]}`;
}

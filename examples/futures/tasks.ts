/**
 * The tasks of the futures examples. Pool workers import this module to find them, so it
 * is kept apart from the examples' entry scripts.
 */
import { defineTask } from 'concur-ts';

/** Seed 004's `download_image`, I/O-bound: fetch `url` and return the body's length. */
export const downloadImage = defineTask(
  import.meta.url,
  async function downloadImage(url: string): Promise<number> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${url}`);
    return (await response.arrayBuffer()).byteLength;
  },
);

/** Seed 004's `calculate_factorial`, CPU-bound (BigInt: 35! does not fit a double). */
export const calculateFactorial = defineTask(
  import.meta.url,
  function calculateFactorial(n: number): bigint {
    return n === 0 ? 1n : BigInt(n) * calculateFactorial(n - 1);
  },
);

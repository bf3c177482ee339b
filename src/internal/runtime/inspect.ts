/**
 * `util.inspect` where the runtime has it, a plain formatter where it does not.
 *
 * Classes give their repr under {@link inspectCustom}, the registered symbol Node's
 * `util.inspect` looks for (Bun and Deno look for it too), so defining one needs no import.
 * Error messages show values with {@link inspect}: Node's own where there is one, else
 * (a browser) a short rendering that is good enough for a message.
 *
 * @module
 */
import { builtin } from './runtime.js';

/** The key of a class's repr for `util.inspect` (Node's `util.inspect.custom`). */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** The options of `util.inspect` that concur uses. */
export interface InspectOptions {
  depth?: number;
  breakLength?: number;
  maxArrayLength?: number;
  maxStringLength?: number;
}

type Inspect = (value: unknown, options?: InspectOptions) => string;

/** Shows `value` for a message or a repr. */
export const inspect: Inspect = builtin<{ inspect: Inspect }>('node:util')?.inspect ?? plainInspect;

/** A rendering of `value` for runtimes without `util.inspect`. */
export function plainInspect(value: unknown, options?: InspectOptions): string {
  return render(value, options?.depth ?? 2, options?.maxStringLength ?? 10_000, new Set());
}

function render(value: unknown, depth: number, maxString: number, seen: Set<object>): string {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > maxString ? `${value.slice(0, maxString)}…` : value;
      return `'${shown.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    }
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function: ${value.name === '' ? '(anonymous)' : value.name}]`;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return 'null';
  const custom = (value as { [inspectCustom]?: unknown })[inspectCustom];
  if (typeof custom === 'function') {
    return String(custom.call(value, depth, { stylize: (s: string) => s }, plainInspect));
  }
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (seen.has(value)) return '[Circular]';
  const name = value.constructor?.name;
  if (depth < 0) return Array.isArray(value) ? '[Array]' : `[${name ?? 'Object'}]`;
  seen.add(value);
  try {
    const inner = (v: unknown): string => render(v, depth - 1, maxString, seen);
    if (Array.isArray(value)) return `[ ${value.map(inner).join(', ')} ]`;
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => `${inner(k)} => ${inner(v)}`);
      return `Map(${value.size}) { ${entries.join(', ')} }`;
    }
    if (value instanceof Set) return `Set(${value.size}) { ${[...value].map(inner).join(', ')} }`;
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${inner(v)}`);
    const prefix = name === undefined || name === 'Object' ? '' : `${name} `;
    return fields.length === 0 ? `${prefix}{}` : `${prefix}{ ${fields.join(', ')} }`;
  } finally {
    seen.delete(value);
  }
}

// piscina's side of the cold-start benchmark: the same task, in a module of its own.
export default function square(n) {
  return n * n;
}

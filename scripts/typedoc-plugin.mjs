// TypeDoc plugin for the API reference: it hides what users cannot use and keeps the
// code of markdown headings in the page outline.
//
// - `[inspect.custom]` methods shape `util.inspect` output; they are not API to call.
// - Base classes under src/internal (the pools' `PoolExecutor`) are not exported: their
//   members read as the subclass's own, with no "extends" or "inherited from" naming them.
// - TypeDoc builds a heading's outline entry and anchor from its plain-text tokens only,
//   so "Quickstart: `x`" became "Quickstart: ". Code spans in headings are split into
//   `<code>`, text, `</code>` tokens: the page renders the same, the outline keeps "x".
import { Converter, ReflectionKind, RendererEvent } from 'typedoc';

/** A base class of this package that no entry point exports (it lives in src/internal). */
const isInternalBase = (type, project) =>
  type?.type === 'reference' &&
  type.reflection === undefined &&
  type.package === project.packageName;

function hideInternals(context) {
  const project = context.project;
  for (const reflection of Object.values(project.reflections)) {
    if (reflection.name === '[custom]' && reflection.kindOf(ReflectionKind.Method)) {
      project.removeReflection(reflection);
    }
  }
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Class)) {
    const internal = (reflection.extendedTypes ?? []).filter((t) => isInternalBase(t, project));
    if (internal.length === 0) continue;
    reflection.extendedTypes = reflection.extendedTypes.filter((t) => !internal.includes(t));
    if (reflection.extendedTypes.length === 0) delete reflection.extendedTypes;
    const names = new Set(internal.map((t) => t.name));
    for (const member of reflection.children ?? []) {
      for (const r of [
        member,
        ...(member.signatures ?? []),
        member.getSignature,
        member.setSignature,
      ]) {
        if (r === undefined) continue;
        if (names.has(r.inheritedFrom?.name.split('.')[0])) delete r.inheritedFrom;
        if (names.has(r.overwrites?.name.split('.')[0])) delete r.overwrites;
      }
    }
  }
}

function keepCodeInHeadings(parser) {
  parser.core.ruler.push('concur_heading_code', (state) => {
    for (const [i, token] of state.tokens.entries()) {
      if (token.type !== 'inline' || state.tokens[i - 1]?.type !== 'heading_open') continue;
      token.children = token.children.flatMap((child) => {
        if (child.type !== 'code_inline') return [child];
        const open = new state.Token('html_inline', '', 0);
        open.content = '<code>';
        const text = new state.Token('text', '', 0);
        text.content = child.content;
        const close = new state.Token('html_inline', '', 0);
        close.content = '</code>';
        return [open, text, close];
      });
    }
  });
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, hideInternals);
  // After TypeDoc's own BEGIN listener has created the markdown parser.
  app.renderer.on(
    RendererEvent.BEGIN,
    () => keepCodeInHeadings(app.renderer.markedPlugin.parser),
    -100,
  );
}

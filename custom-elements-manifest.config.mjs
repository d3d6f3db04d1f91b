// Custom Elements Manifest for trialkit's components (`npm run analyze`): the class docblocks'
// @summary, @event, @csspart and @cssproperty become custom-elements.json, which package.json
// points to ("customElements") and Storybook's Docs read for their argument tables.

/**
 * Our components register through `static define(tag = 'trial-…')`, never at import. The analyzer
 * reads `customElements.define(tag, …)` inside it as a tag literally named "tag"; this plugin takes
 * the tag from the parameter's default instead, and drops the "events" the analyzer invents from
 * `dispatchEvent(new SomeEvent(arg))` (it takes the first argument for the event name) — our
 * events are all documented with @event in the class docblock.
 */
function defineTagPlugin() {
  const tags = new Map();
  return {
    name: 'trialkit-define-tag',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const define = node.members.find(
        (m) =>
          ts.isMethodDeclaration(m) &&
          m.name.getText() === 'define' &&
          m.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.StaticKeyword),
      );
      const initializer = define?.parameters[0]?.initializer;
      if (initializer && ts.isStringLiteral(initializer)) {
        tags.set(`${moduleDoc.path}#${node.name.getText()}`, initializer.text);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      // The analyzer lists modules in the order its globs resolve, which varies from run to run:
      // sort them so a build leaves custom-elements.json unchanged when the components are.
      customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          const tag = tags.get(`${mod.path}#${declaration.name}`);
          if (!tag) continue;
          declaration.tagName = tag;
          declaration.customElement = true;
          declaration.events = declaration.events
            ?.filter((event) => event.description && event.name)
            .map(eventTypeFromDescription);
        }
        // `define` may register a subclass (`class extends this {}`): name the definition by the module's tag.
        const moduleTags = [...tags].filter(([key]) => key.startsWith(`${mod.path}#`));
        for (const exported of mod.exports ?? []) {
          if (exported.kind !== 'custom-element-definition' || moduleTags.length !== 1) continue;
          const [key, tag] = moduleTags[0];
          exported.name = tag;
          exported.declaration = { name: key.split('#')[1], module: mod.path };
        }
      }
    },
  };
}

/**
 * Our docblocks write `@event name - {EventClass} what it means`; the analyzer reads a type only
 * from `@event {EventClass} name`, so it leaves `{EventClass}` in the description. Move it to the
 * event's type: the generated framework types and editor hints type each event by its class.
 */
function eventTypeFromDescription(event) {
  const match = /^\{(\w+)\}\s*/.exec(event.description);
  if (event.type || !match) return event;
  return { ...event, type: { text: match[1] }, description: event.description.slice(match[0].length) };
}

export default {
  // The elements, their events and the entry points; the components' private parts are not API.
  globs: [
    'src/components/index.ts',
    'src/components/define.ts',
    'src/components/events/*.ts',
    'src/components/analysis/index.ts',
    'src/components/*/{metrics-chart,trial-table,run-list,trial-dashboard,parallel-coords,slice-plot,trial-history,param-importance,trial-comments}.ts',
  ],
  outdir: '.',
  litelement: true,
  plugins: [defineTagPlugin()],
};

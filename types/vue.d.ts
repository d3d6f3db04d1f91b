// trialkit's tags in Vue 3 templates (vue-tsc, Volar): `import type {} from 'trialkit/types/vue'`
// once (e.g. in env.d.ts). Vue sets a custom element's known properties as properties, and
// `@trial-finished` listens to the event, typed by its class (as the prop `onTrialFinished`).
// Tell Vue's compiler the tags are custom elements: `isCustomElement: (tag) => tag.startsWith('trial-')`.
import type { DefineComponent } from 'vue';
import type { TrialkitElements } from './elements.js';

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** `onTrialFinished`, ...: what `@trial-finished` compiles to, typed by the event's class. */
export type VueEventProps<Events> = {
  [Name in keyof Events & string as `on${Capitalize<Camel<Name>>}`]?: (event: Events[Name]) => void;
};

/** A trialkit tag as a Vue component: its settable properties and its events. */
export type TrialkitVueElements = {
  [Tag in keyof TrialkitElements]: DefineComponent<
    TrialkitElements[Tag]['properties'] & VueEventProps<TrialkitElements[Tag]['events']>
  >;
};

declare module 'vue' {
  interface GlobalComponents extends TrialkitVueElements {}
}

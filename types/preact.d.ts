// trialkit's tags in Preact's JSX: `import type {} from 'trialkit/types/preact'` once (e.g. in a
// .d.ts of the app). Preact sets a custom element's known properties (objects pass as they are)
// and listens to `on<event-name>` props; each listener gets the event's own class.
import type { HTMLAttributes } from 'preact';
import type { TrialkitElements } from './elements.js';

/** `ontrial-finished`, ...: one listener per event, typed by the event's class. */
export type PreactEventProps<Events> = {
  [Name in keyof Events & string as `on${Name}`]?: (event: Events[Name]) => void;
};

/** A trialkit tag's JSX props: the HTML attributes, its settable properties and its events. */
export type TrialkitPreactElements = {
  [Tag in keyof TrialkitElements]: HTMLAttributes<TrialkitElements[Tag]['element']> &
    TrialkitElements[Tag]['properties'] &
    PreactEventProps<TrialkitElements[Tag]['events']>;
};

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements extends TrialkitPreactElements {}
  }
}

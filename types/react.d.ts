// trialkit's tags in React 19's JSX: `import type {} from 'trialkit/types/react'` once (e.g. in a
// .d.ts of the app). React 19 sets an element's known properties (objects pass as they are) and
// listens to `on<event-name>` props; each listener gets the event's own class.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TrialkitElements } from './elements.js';

/** `ontrial-finished`, ...: one listener per event, typed by the event's class. */
export type ReactEventProps<Events> = {
  [Name in keyof Events & string as `on${Name}`]?: (event: Events[Name]) => void;
};

/** A trialkit tag's JSX props: the HTML attributes, its settable properties and its events. */
export type TrialkitReactElements = {
  [Tag in keyof TrialkitElements]: DetailedHTMLProps<
    HTMLAttributes<TrialkitElements[Tag]['element']>,
    TrialkitElements[Tag]['element']
  > &
    TrialkitElements[Tag]['properties'] &
    ReactEventProps<TrialkitElements[Tag]['events']>;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends TrialkitReactElements {}
  }
}

import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { TrialComments } from '../src/components/trial-comments/trial-comments.js';
import { teamSnapshot, themeOf } from './support.js';

TrialComments.define();

type Story = StoryObj;

const meta: Meta = {
  title: 'Components/trial-comments',
  component: 'trial-comments',
  parameters: { layout: 'padded' },
};
export default meta;

const trial = () =>
  teamSnapshot({ seed: 7, studies: 1, trials: 6, steps: 20 }).trials.find((t) => t.comments);

const comments = (context: { globals: Record<string, unknown> }, props: Partial<TrialComments>) => {
  const el = document.createElement('trial-comments');
  Object.assign(el, { trial: trial(), theme: themeOf(context), ...props });
  el.style.width = '320px';
  return el;
};

/** Signed in as "ana": her comments can be edited and deleted; a step makes an annotation. */
export const Default: Story = {
  render: (_args, context) =>
    comments(context, {
      author: 'ana',
      access: { writable: true },
      write: async (edit) => {
        console.info('trial-comments wrote', edit);
        return true;
      },
    }),
};

/** A source that cannot write: the form is disabled and says why. */
export const ReadOnly: Story = {
  render: (_args, context) =>
    comments(context, {
      access: { writable: false, reason: 'Read-only: this source cannot store comments.' },
    }),
};

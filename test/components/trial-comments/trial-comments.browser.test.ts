// <trial-comments>: a trial's thread as text, one's own comments editable, the add form for a
// comment or an annotation, disabled with the reason where nothing can be written.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TeamEdit } from '../../../src/client/index.js';
import { TrialComments } from '../../../src/components/trial-comments/trial-comments.js';
import type { Trial } from '../../../src/protocol/events.js';

TrialComments.define();

const HOSTILE = '<img src=x onerror="window.__pwned=1">diverged';

const trial: Trial = {
  id: 't1',
  studyId: 's1',
  number: 41,
  status: 'running',
  params: {},
  tags: {},
  flags: [],
  comments: [
    { id: 'c1', author: 'ana', text: HOSTILE, createdAt: Date.now() - 120_000 },
    { id: 'c2', author: 'bo', text: 'lr drop here', createdAt: Date.now() - 60_000, step: 3000, key: 'loss' },
  ],
};

async function mount(props: Partial<TrialComments>): Promise<TrialComments> {
  const el = await fixture<TrialComments>(html`<trial-comments style="width: 320px"></trial-comments>`);
  Object.assign(el, { trial, ...props });
  await el.updateComplete;
  return el;
}

/** A `write` that records each edit and reports it stored. */
const recordInto = (edits: TeamEdit[]) => async (edit: TeamEdit) => {
  edits.push(edit);
  return true;
};

const $ = <T extends Element>(el: TrialComments, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const $$ = (el: TrialComments, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)];

describe('trial-comments', () => {
  it('renders the thread as text, annotations with their step', async () => {
    const el = await mount({ author: 'bo', access: { writable: true } });
    const texts = $$(el, '.comment-text').map((p) => p.textContent);
    expect(texts).to.deep.equal([HOSTILE, 'lr drop here']);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect($(el, '.step-badge').textContent).to.match(/step 3000 · loss/);
    expect($$(el, 'time')[0].textContent).to.match(/minutes? ago/);
  });

  it("offers edit and delete on one's own comments only, and writes them", async () => {
    const edits: TeamEdit[] = [];
    const el = await mount({
      author: 'bo',
      access: { writable: true },
      write: recordInto(edits),
    });
    const [anas, bos] = $$(el, '.comment');
    expect(anas.querySelectorAll('button')).to.have.length(0);
    const [edit, del] = [...bos.querySelectorAll<HTMLButtonElement>('button')];
    edit.click();
    await el.updateComplete;
    const area = bos.querySelector<HTMLTextAreaElement>('textarea')!;
    area.value = 'lr drop, then diverged';
    area.dispatchEvent(new InputEvent('input'));
    [...bos.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === 'Save')!.click();
    await new Promise((r) => setTimeout(r));
    await el.updateComplete;
    expect(edits[0]).to.deep.include({ type: 'comment.upsert', trialId: 't1' });
    expect((edits[0] as { comment: { text: string; editedAt?: number } }).comment.text).to.equal(
      'lr drop, then diverged',
    );
    [...$$(el, '.comment')[1].querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent === 'Delete')!
      .click();
    expect(edits[1]).to.deep.equal({ type: 'comment.remove', trialId: 't1', commentId: 'c2', author: 'bo' });
    expect(del).to.exist;
  });

  it('moves focus into an edit and back to its Edit button; Escape cancels', async () => {
    const edits: TeamEdit[] = [];
    const el = await mount({ author: 'bo', access: { writable: true }, write: recordInto(edits) });
    const focused = () => el.shadowRoot!.activeElement;
    const editButton = () => $$(el, '.comment')[1].querySelector<HTMLButtonElement>('button')!;
    editButton().focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focused()?.tagName).to.equal('TEXTAREA');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(focused()?.getAttribute('aria-label')).to.equal('Edit comment by bo');
    expect($$(el, 'textarea[aria-label="Edit comment"]')).to.have.length(0);
    expect(edits).to.deep.equal([]);
  });

  it('adds an annotation with the step the chart asked for', async () => {
    const edits: TeamEdit[] = [];
    const el = await mount({
      author: 'ana',
      access: { writable: true },
      write: recordInto(edits),
    });
    await el.annotate('t1', 1200, 'val_loss');
    const area = $<HTMLTextAreaElement>(el, 'textarea[name="comment"]');
    expect(el.shadowRoot!.activeElement).to.equal(area);
    expect($<HTMLInputElement>(el, 'input[name="step"]').value).to.equal('1200');
    area.value = 'diverged';
    area.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    const submit = $<HTMLButtonElement>(el, 'button[type="submit"]');
    expect(submit.textContent!.trim()).to.equal('Add annotation');
    submit.click();
    await new Promise((r) => setTimeout(r));
    const added = edits[0] as Extract<TeamEdit, { type: 'comment.upsert' }>;
    expect(added.comment).to.deep.include({ author: 'ana', text: 'diverged', step: 1200, key: 'val_loss' });
    expect(added.comment.id).to.match(/^[A-Za-z0-9_-]{1,64}$/);
    await el.updateComplete;
    expect($<HTMLTextAreaElement>(el, 'textarea[name="comment"]').value).to.equal('');
  });

  it('keeps the focus on the form after a comment is added from the keyboard', async () => {
    const edits: TeamEdit[] = [];
    const el = await mount({ author: 'ana', access: { writable: true }, write: recordInto(edits) });
    $<HTMLTextAreaElement>(el, 'textarea[name="comment"]').focus();
    await sendKeys({ type: 'looks good' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    const submit = $<HTMLButtonElement>(el, 'button[type="submit"]');
    expect(el.shadowRoot!.activeElement === submit).to.equal(true);
    await sendKeys({ press: 'Enter' });
    await new Promise((r) => setTimeout(r));
    await el.updateComplete;
    expect(edits).to.have.length(1);
    expect(el.shadowRoot!.activeElement === submit, 'focus stays on the button').to.equal(true);
    // With nothing to add, the button says so and adds nothing.
    expect(submit.getAttribute('aria-disabled')).to.equal('true');
    await sendKeys({ press: 'Enter' });
    await new Promise((r) => setTimeout(r));
    expect(edits).to.have.length(1);
  });

  it('disables the form with the reason when nothing can be written', async () => {
    const el = await mount({ access: { writable: false, reason: 'Read-only: no writer.' } });
    expect($<HTMLTextAreaElement>(el, 'textarea[name="comment"]').disabled).to.equal(true);
    expect($(el, '#comments-read-only').textContent).to.equal('Read-only: no writer.');
    expect($$(el, '.comment button')).to.have.length(0);
  });

  it('passes an axe-core check, light and dark, writable and read-only', async () => {
    await expect(await mount({ author: 'bo', access: { writable: true } })).to.be.accessible();
    await expect(
      await mount({ theme: 'dark', access: { writable: false, reason: 'Read-only.' } }),
    ).to.be.accessible();
  });
});

import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { TrialStore } from '../../../src/client/store.js';
import { TrialDashboard } from '../../../src/components/trial-dashboard/trial-dashboard.js';
import { presenceStore, setViewers } from '../../fixtures/presence.js';

TrialDashboard.define();

const presence = (el: TrialDashboard) => el.shadowRoot!.querySelector<HTMLElement>('[part="presence"]');

async function mount(store: TrialStore, props: Partial<TrialDashboard> = {}): Promise<TrialDashboard> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 1200px"></div>`);
  const el = document.createElement('trial-dashboard');
  Object.assign(el, { store, ...props });
  wrapper.append(el);
  await el.updateComplete;
  // The presence area's module loads once the source has said whether it shares presence.
  if (store.presence.status.state !== 'pending')
    await waitUntil(() => presence(el), 'the presence area loads');
  return el;
}

async function settle(el: TrialDashboard, store: TrialStore): Promise<void> {
  store.flush();
  await el.updateComplete;
}

const chips = (el: TrialDashboard) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="viewer"]')].map((c) => c.title);
const liveRegion = (el: TrialDashboard) =>
  presence(el)?.nextElementSibling?.getAttribute('role') === 'status'
    ? presence(el)!.nextElementSibling!.textContent!.trim()
    : undefined;

describe('trial-dashboard presence', () => {
  it('shows a chip per viewer (this tab first, one chip for two tabs of one person) and the anonymous count', async () => {
    const store = presenceStore({ manual: true, self: 'Me', anonymous: 3 });
    const el = await mount(store, { viewerName: 'Me' });
    expect(chips(el)).to.deep.equal([
      'Me (you)',
      'Ada Lovelace',
      'Grace Hopper',
      'Alan Turing (2 tabs)',
      '🦊 Fox',
    ]);
    const more = presence(el)!.querySelector('.more')!;
    expect(more.textContent).to.contain('+2');
    expect(more.getAttribute('title')).to.equal('Edsger Wybe Dijkstra, Barbara Liskov');
    expect(presence(el)!.querySelector('.anonymous')!.textContent).to.equal('+3 anonymous');
  });

  it('does not count this tab, when it has no name, among the anonymous others', async () => {
    const store = presenceStore({ manual: true, viewers: [], anonymous: 1 });
    const el = await mount(store);
    expect(store.presence.self.name).to.equal(undefined);
    expect(presence(el)!.querySelector('.anonymous')).to.equal(null);
    expect(presence(el)!.querySelector('[part="viewer-names"]')!.textContent).to.equal('Nobody else');
    // Said, not an empty group: a visible, readable "Only you" gives the tab stop its size and text.
    expect(presence(el)!.querySelector('.alone')!.textContent).to.equal('Only you');
    expect(presence(el)!.getBoundingClientRect().width).to.be.greaterThan(20);
    setViewers(store, { viewers: [], anonymous: 3 });
    await settle(el, store);
    expect(presence(el)!.querySelector('.anonymous')!.textContent).to.equal('+2 anonymous');
  });

  it('tells this tab, its study, name and colour to the store', async () => {
    const store = presenceStore({ manual: true });
    await mount(store, { viewerName: 'Ada', viewerColor: '#123456' });
    expect(store.presence.self).to.deep.equal({
      studyId: [...store.studies.keys()][0],
      name: 'Ada',
      color: '#123456',
    });
  });

  it('renders hostile names as text, never as markup', async () => {
    const name = '<img src=x onerror="window.__pwned=1">';
    const store = presenceStore({ manual: true, viewers: [{ name, color: '#3366cc' }] });
    const el = await mount(store);
    expect(chips(el)).to.deep.equal([name]);
    expect(presence(el)!.querySelector('img')).to.equal(null);
    expect(presence(el)!.querySelector('.viewer-names')!.textContent).to.contain(name);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('lets only a #rrggbb colour reach the style attribute, even from a trusted event', async () => {
    const store = presenceStore({
      manual: true,
      viewers: [{ name: 'Eve', color: 'red; background: url(//x)' }],
    });
    const el = await mount(store);
    const chip = el.shadowRoot!.querySelector<HTMLElement>('[part="viewer"]')!;
    expect(chip.getAttribute('style')).to.not.contain('url');
    expect(chip.style.getPropertyValue('--_viewer').trim()).to.equal('#6b7280');
  });

  it('announces joins and leaves of others politely, but not the first picture', async () => {
    const store = presenceStore({ manual: true, self: 'Me', viewers: [{ name: 'Ada', color: '#3366cc' }] });
    const el = await mount(store);
    expect(liveRegion(el)).to.equal('');
    setViewers(store, {
      self: 'Me',
      viewers: [
        { name: 'Ada', color: '#3366cc' },
        { name: 'Bob', color: '#2e7d32' },
      ],
    });
    await settle(el, store);
    expect(liveRegion(el)).to.equal('Bob joined.');
    setViewers(store, { self: 'Me', viewers: [{ name: 'Bob', color: '#2e7d32' }], anonymous: 4 });
    await settle(el, store);
    expect(liveRegion(el)).to.equal('Ada left.');
  });

  it('is absent while the source has not said whether it shares presence', async () => {
    const store = presenceStore({ manual: true });
    store.presence.setStatus({ state: 'pending' });
    const el = await mount(store);
    expect(presence(el)).to.equal(null);
  });

  it('says presence is unavailable, with the reason, for a source that cannot report it', async () => {
    const store = presenceStore({ manual: true });
    const reason = 'Each tab polls MLflow on its own, so other viewers cannot be seen.';
    store.presence.setStatus({ state: 'unavailable', reason });
    const el = await mount(store);
    const area = presence(el)!;
    expect(area.dataset.state).to.equal('off');
    expect(area.getAttribute('aria-label')).to.equal(`Viewers unknown: ${reason}`);
    expect(area.querySelector('.viewer-names')!.textContent).to.equal(reason);
    expect(chips(el)).to.deep.equal([]);
  });

  it('shows the names on keyboard focus', async () => {
    const store = presenceStore({ manual: true, viewers: [{ name: 'Ada', color: '#3366cc' }] });
    const el = await mount(store);
    const area = presence(el)!;
    const names = area.querySelector<HTMLElement>('.viewer-names')!;
    expect(getComputedStyle(names).display).to.equal('none');
    area.focus();
    // :focus-visible follows keyboard focus; focus() from script counts as keyboard here.
    expect(getComputedStyle(names).display).to.equal('block');
  });

  it('lays the names out on lines as wide as they need, not a word a line under narrow chips', async () => {
    const viewers = ['Ada Lovelace', 'Grace Hopper'].map((name) => ({ name, color: '#3366cc' }));
    const store = presenceStore({ manual: true, viewers });
    const el = await mount(store);
    const area = presence(el)!;
    const names = area.querySelector<HTMLElement>('.viewer-names')!;
    area.focus();
    const lineHeight = Number.parseFloat(getComputedStyle(names).lineHeight) || 16;
    expect(names.textContent).to.equal('Ada Lovelace, Grace Hopper');
    expect(names.getBoundingClientRect().height).to.be.below(lineHeight * 1.5 + 14);
  });

  it('has no axe violations with viewers shown, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const store = presenceStore({ manual: true, self: 'Me', anonymous: 2 });
      const el = await mount(store, { theme });
      await aTimeout(50);
      await expect(el).to.be.accessible();
    }
  });

  it('has no axe violations with presence unavailable', async () => {
    const store = presenceStore({ manual: true });
    store.presence.setStatus({ state: 'unavailable', reason: 'No presence here.' });
    const el = await mount(store);
    await expect(el).to.be.accessible();
  });
});

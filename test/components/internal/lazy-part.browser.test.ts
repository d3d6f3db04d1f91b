import { expect, fixture, html } from '@open-wc/testing';
import { css, LitElement } from 'lit';
import { LazyPart, type PartModule } from '../../../src/components/internal/lazy-part.js';

interface Module extends PartModule {
  readonly text: string;
}

/** A host with one lazy part; `load` is what the part's `import()` would be. */
class LazyHost extends LitElement {
  loads = 0;
  load: () => Promise<Module> = async () => ({ styles: css``, text: '' });
  readonly lazy = new LazyPart(this, () => {
    this.loads++;
    return this.load();
  });

  protected override render() {
    const module = this.lazy.get();
    return module
      ? html`<p class="ready">${module.text}</p>`
      : html`<p role="status">${this.lazy.status('the part')}</p>`;
  }
}
customElements.define('lazy-host-test', LazyHost);

async function mount(load: () => Promise<Module>): Promise<LazyHost> {
  const el = document.createElement('lazy-host-test') as LazyHost;
  el.load = load;
  await fixture(html`<div></div>`).then((wrapper) => wrapper.append(el));
  return el;
}

describe('LazyPart', () => {
  it('says it is loading, then renders the module with its styles adopted', async () => {
    let arrive!: (m: Module) => void;
    const el = await mount(() => new Promise((resolve) => (arrive = resolve)));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('Loading the part…');
    arrive({ styles: css`.ready { color: rgb(1, 2, 3); }`, text: 'here' });
    await el.lazy.arriving;
    await el.updateComplete;
    const ready = el.shadowRoot!.querySelector('.ready')!;
    expect(ready.textContent).to.equal('here');
    expect(getComputedStyle(ready).color).to.equal('rgb(1, 2, 3)');
    expect(el.loads).to.equal(1);
  });

  it('says why a module could not load, and does not ask for it again on every render', async () => {
    const el = await mount(() =>
      Promise.reject(new TypeError('Failed to fetch dynamically imported module')),
    );
    await el.updateComplete;
    await el.lazy.arriving;
    await el.updateComplete;
    for (let i = 0; i < 3; i++) {
      el.requestUpdate();
      await el.updateComplete;
    }
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal(
      'Could not load the part: Failed to fetch dynamically imported module',
    );
    expect(el.loads).to.equal(1);
  });
});

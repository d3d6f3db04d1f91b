// The compare view's Models row: the registered model versions of each compared trial.
import { expect, fixture, html } from '@open-wc/testing';
import { compareTable } from '../../../src/components/trial-dashboard/compare.js';
import { compareKit } from '../../../src/components/trial-dashboard/compare-kit.js';
import type { Trial } from '../../../src/protocol/events.js';

function trial(number: number, models?: Trial['models']): Trial {
  return {
    id: `t${number}`,
    studyId: 's1',
    number,
    status: 'succeeded',
    params: { lr: 0.1 },
    tags: {},
    flags: [],
    ...(models && { models }),
  };
}

async function compareOf(trials: Trial[], mlflowUiUrl?: string): Promise<HTMLElement> {
  return fixture<HTMLElement>(html`<div>${compareTable(trials, compareKit, mlflowUiUrl)}</div>`);
}

const modelsRow = (el: HTMLElement) =>
  [...el.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('th')!.textContent!.includes('Models'));

describe('compareTable', () => {
  it('has no Models row when no compared trial has a registered model', async () => {
    const el = await compareOf([trial(1), trial(2)], 'http://mlflow.example');
    expect(modelsRow(el)).to.equal(undefined);
  });

  it('shows each trial its versions, linked to the MLflow UI, marked when they differ', async () => {
    const el = await compareOf(
      [trial(1, [{ name: '<b>fraud</b>', version: '3', aliases: ['champion'] }]), trial(2)],
      'http://mlflow.example/',
    );
    const row = modelsRow(el)!;
    expect(row.classList.contains('differs')).to.equal(true);
    const cells = [...row.querySelectorAll('td')];
    const link = cells[0].querySelector('a')!;
    expect(link.textContent).to.equal('<b>fraud</b> v3 (champion)');
    expect(link.querySelector('b')).to.equal(null);
    expect(link.getAttribute('href')).to.equal(
      'http://mlflow.example/#/models/%3Cb%3Efraud%3C%2Fb%3E/versions/3',
    );
    expect(link.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(cells[1].textContent!.trim()).to.equal('');
  });

  it('does not mark the row when every trial has the same versions', async () => {
    const same = [{ name: 'churn', version: '1', aliases: [] }];
    const row = modelsRow(await compareOf([trial(1, same), trial(2, same)]))!;
    expect(row.classList.contains('differs')).to.equal(false);
    expect(row.querySelector('a')).to.equal(null);
  });
});

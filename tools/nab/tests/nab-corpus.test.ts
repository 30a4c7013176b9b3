// Where the corpus tests look for NAB data, and what they say when it is not there.
import { describe, expect, it } from 'vitest';
import { locateNabCorpus, workspaceRoot } from '../src/nab-corpus.js';

describe('locating the NAB corpus', () => {
  it('looks in ../shared/data/nab beside the repository unless NAB_DATA says otherwise', () => {
    const location = locateNabCorpus({});
    expect(location.root).toBe(`${workspaceRoot.replace(/\/$/, '').replace(/\/[^/]+$/, '')}/shared/data/nab`);
  });

  it('explains what is missing where, so a skipped test says why', () => {
    const location = locateNabCorpus({ NAB_DATA: '/nonexistent/nab' });
    expect(location).toMatchObject({ root: '/nonexistent/nab', present: false });
    expect(location.explanation).toMatch(
      /no NAB corpus at \/nonexistent\/nab \(NAB_DATA=.*labels\/combined_windows\.json/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { FetchError } from '../../ingest/fetch/errors.js';
import { RuleError } from '../../ingest/process/rules.js';
import { PageInputError } from '../../ingest/site-pages.js';
import { SectionError } from '../../store/categories.js';
import { StoreError } from '../../store/db.js';
import { SourceError } from '../../store/sources.js';
import { checked, DeskInputError, durationField, idParam, inputErrorMessage, languageField, lines } from './forms.js';

describe('desk forms', () => {
  it('shows the editor the errors that are theirs to fix, and no other', () => {
    expect(inputErrorMessage(new RuleError('rules: "x:y": unknown field x'))).toBe('rules: "x:y": unknown field x');
    expect(inputErrorMessage(new SourceError('sources: a source name must not be empty'))).toBe('sources: a source name must not be empty');
    expect(inputErrorMessage(new SectionError('sections: world exists already'))).toBe('sections: world exists already');
    expect(inputErrorMessage(new PageInputError('title', 'must not be empty'))).toBe('title must not be empty');
    expect(inputErrorMessage(new DeskInputError('interval: "3"\nneeds a unit'))).toBe('interval: "3" needs a unit');
    expect(inputErrorMessage(new FetchError('JARIDA_FETCH_HTTP', 'fetch: https://x.example/: HTTP 404'))).toBe('fetch: https://x.example/: HTTP 404');
    expect(inputErrorMessage(new StoreError('store: connection refused'))).toBeNull();
    expect(inputErrorMessage(new Error('boom'))).toBeNull();
    expect(inputErrorMessage(undefined)).toBeNull();
  });

  it('reads checkboxes, lines, durations, languages and ids', () => {
    const body = { a: 'on', b: '', rules: ' title:x \r\n\n url:/ads/ ', interval: '15m', bad: '15', lang: 'pt-BR', badLang: 'English' };
    expect([checked(body, 'a'), checked(body, 'b'), checked(body, 'missing')]).toEqual([true, false, false]);
    expect(lines(body, 'rules')).toEqual(['title:x', 'url:/ads/']);
    expect(durationField(body, 'interval', 'interval', 86_400)).toBe(900);
    expect(durationField(body, 'missing', 'interval', 86_400)).toBeUndefined();
    expect(() => durationField(body, 'bad', 'interval', 86_400)).toThrow('interval: "15" needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.');
    expect(languageField(body, 'lang')).toBe('pt-BR');
    expect(() => languageField(body, 'badLang')).toThrow('language: "English" must be a language code such as en, tr, ar');
    expect([idParam({ id: '42' }), idParam({ id: '0' }), idParam({ id: '4a' }), idParam({})]).toEqual([42, undefined, undefined, undefined]);
  });
});

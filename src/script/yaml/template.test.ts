import { describe, expect, it } from 'vitest';
import { InputProblems } from '../../util/input-reader.js';
import { parseJsonSelector } from './json-selector.js';
import { parseTemplate } from './template.js';

function parse(text: string) {
  const problems = new InputProblems();
  const template = parseTemplate(text, ['x'], problems);
  return { template, messages: problems.problems.map((p) => p.message) };
}

describe('parseTemplate', () => {
  it('splits text and expressions', () => {
    const { template, messages } = parse('Bearer {{ token }} and {{user.id}}!');
    expect(messages).toEqual([]);
    expect(template.parts).toEqual([
      'Bearer ',
      { ref: { kind: 'var', name: 'token', path: [] }, source: '{{ token }}' },
      ' and ',
      { ref: { kind: 'var', name: 'user', path: ['id'] }, source: '{{user.id}}' },
      '!',
    ]);
  });

  it('reads environment, helpers, specials, paths and fallbacks', () => {
    const refs = (text: string) => (parse(text).template.parts[0] as { ref: unknown }).ref;
    expect(refs('{{ $env.BASE_URL }}')).toEqual({ kind: 'env', name: 'BASE_URL' });
    expect(refs('{{ __ENV.X }}')).toEqual({ kind: 'env', name: 'X' });
    expect(refs('{{ $processEnvironment.HOST }}')).toEqual({ kind: 'env', name: 'HOST' });
    expect(refs('{{ $randomNumber(1, 100) }}')).toEqual({
      kind: 'call',
      fn: 'randomNumber',
      args: [1, 100],
    });
    expect(refs('{{ $randomString() }}')).toEqual({ kind: 'call', fn: 'randomString', args: [] });
    expect(refs('{{ items[0]["odd key"].id }}')).toEqual({
      kind: 'var',
      name: 'items',
      path: [0, 'odd key', 'id'],
    });
    expect(refs('{{ $loopElement.name }}')).toEqual({
      kind: 'special',
      name: '$loopElement',
      path: ['name'],
    });
    const fallback = parse(`{{ $env.BASE_URL ?? 'http://127.0.0.1:3000' }}`).template.parts[0];
    expect(fallback).toMatchObject({
      ref: { kind: 'env', name: 'BASE_URL' },
      fallback: 'http://127.0.0.1:3000',
    });
  });

  it('reports malformed expressions and unknown helpers with a suggestion', () => {
    expect(parse('{{ }}').messages[0]).toContain('empty');
    expect(parse('{{ a + b }}').messages[0]).toContain('unexpected "+"');
    expect(parse('{{ $randomStrng(3) }}').messages[0]).toContain('did you mean "$randomString"?');
    expect(parse('{{ $uuid(1) }}').messages[0]).toContain('takes 0 arguments');
    expect(parse('{{ $envv.X }}').messages[0]).toContain('did you mean "$env"?');
    expect(parse('{{ $env.A.B }}').messages[0]).toContain('one environment variable');
  });

  it('keeps plain text as one part', () => {
    expect(parse('/items?limit=20').template.parts).toEqual(['/items?limit=20']);
  });
});

describe('parseJsonSelector', () => {
  it('reads the JSONPath subset into segments', () => {
    expect(parseJsonSelector('$.token')).toEqual({
      kind: 'path',
      segments: ['token'],
      source: '$.token',
    });
    expect(parseJsonSelector("$[5].title['a b']")).toEqual({
      kind: 'path',
      segments: [5, 'title', 'a b'],
      source: "$[5].title['a b']",
    });
    expect(parseJsonSelector('$')).toEqual({ kind: 'path', segments: [], source: '$' });
  });

  it('passes GJSON paths through', () => {
    expect(parseJsonSelector('items.#.id')).toEqual({
      kind: 'gjson',
      selector: 'items.#.id',
      source: 'items.#.id',
    });
  });

  it('refuses what it does not support, saying why', () => {
    expect(parseJsonSelector('$..id')).toContain('recursive descent');
    expect(parseJsonSelector('$.items[*].id')).toContain('wildcards');
    expect(parseJsonSelector('$.items[?(@.id>1)]')).toContain('filters');
  });
});

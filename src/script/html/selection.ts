/**
 * k6's `k6/html`: `parseHTML(src)` and `response.html()` return a {@link Selection}, a
 * jQuery-like set of elements (k6 builds it on goquery; Redline on cheerio, with parse5 as the
 * HTML5 parser, so documents are parsed as browsers and Go's x/net/html parse them: a `<tr>`
 * gets its implied `<tbody>`). `each()` and `get()` hand out {@link Element}s with k6's DOM
 * methods. The parser is loaded on first use, so scripts that never parse HTML do not pay for it.
 */
import { createRequire } from 'node:module';
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element as DomElement } from 'domhandler';

type Loaded = {
  load: (content: AnyNode | AnyNode[]) => CheerioAPI;
  parse: (html: string) => AnyNode;
};

let loaded: Loaded | undefined;

/** cheerio (slim: no parser of its own) over a parse5 document, required on first use. */
function parser(): Loaded {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const slim = require('cheerio/slim') as { load: Loaded['load'] };
  const parse5 = require('parse5') as {
    parse: (html: string, options: { treeAdapter: unknown }) => AnyNode;
  };
  const { adapter } = require('parse5-htmlparser2-tree-adapter') as { adapter: unknown };
  loaded = {
    load: slim.load,
    parse: (html) => parse5.parse(html, { treeAdapter: adapter }),
  };
  return loaded;
}

/** Parses an HTML document into a selection of the document (k6 `parseHTML`). */
export function parseHTML(src: string, url = ''): Selection {
  const { load, parse } = parser();
  const document = parse(String(src));
  const $ = load(document);
  return new Selection($, $.root(), url);
}

type SelectorArg = string | Selection | Element;

function isElementNode(node: AnyNode): node is DomElement {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** `data-foo-bar` -> `fooBar` (jQuery's data keys). */
function attrToProperty(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `fooBar` -> `foo-bar`. */
function propertyToAttr(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** jQuery's conversion of `data-*` values: booleans, null, numbers and JSON; else the string. */
function convertDataValue(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (value !== '' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) {
    const n = Number(value);
    if (String(n) === value) return n;
  }
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** A form field as `serializeArray()` returns it. */
export interface FormValue {
  name: string;
  value: string | string[] | undefined;
}

/** A set of elements with k6's (goquery's) methods. */
export class Selection {
  readonly #$: CheerioAPI;
  readonly #sel: Cheerio<AnyNode>;
  /** URL of the response it was parsed from ('' for parseHTML). */
  readonly url: string;

  /** @internal Selections are made by parseHTML(), response.html() and other selections. */
  constructor($: CheerioAPI, sel: Cheerio<AnyNode>, url: string) {
    this.#$ = $;
    this.#sel = sel;
    this.url = url;
  }

  #wrap(sel: Cheerio<AnyNode>): Selection {
    return new Selection(this.#$, sel, this.url);
  }

  #arg(arg: SelectorArg): string | Cheerio<AnyNode> | AnyNode {
    if (typeof arg === 'string') return arg;
    if (arg instanceof Selection) return arg.#sel;
    if (arg instanceof Element) return arg.node;
    throw new TypeError(
      `invalid argument, cannot use a '${typeof arg}' as a selector (use a CSS selector string, a Selection or an Element)`,
    );
  }

  /** The cheerio set (for Redline's own helpers). */
  get cheerio(): Cheerio<AnyNode> {
    return this.#sel;
  }

  /** Number of elements. */
  size(): number {
    return this.#sel.length;
  }

  /** Descendants matching a selector, selection or element. */
  find(arg: SelectorArg): Selection {
    return this.#wrap(this.#sel.find(this.#arg(arg) as string));
  }

  /** Adds elements to the set. */
  add(arg: SelectorArg): Selection {
    const a = this.#arg(arg);
    return this.#wrap(this.#sel.add(typeof a === 'string' ? this.#$(a) : (a as AnyNode)));
  }

  /** The first element matching `selector` (a set of at most one). */
  single(selector: string): Selection {
    return this.#wrap(this.#sel.find(selector).first());
  }

  /** For each element, the closest ancestor-or-self matching. */
  closest(arg: SelectorArg): Selection {
    return this.#wrap(this.#sel.closest(this.#arg(arg) as string));
  }

  /** Elements having a descendant matching. */
  has(arg: SelectorArg): Selection {
    return this.#wrap(this.#sel.has(this.#arg(arg) as string));
  }

  /** Elements not matching a selector, selection or predicate `(index, selection) => bool`. */
  not(arg: SelectorArg | ((index: number, sel: Selection) => unknown)): Selection {
    if (typeof arg === 'function')
      return this.#wrap(this.#sel.not((i, el) => Boolean(arg(i, this.#wrap(this.#$(el))))));
    return this.#wrap(this.#sel.not(this.#arg(arg) as string));
  }

  /** Next siblings (optionally filtered). */
  next(selector?: string): Selection {
    return this.#wrap(this.#sel.next(selector));
  }
  /** All following siblings (optionally filtered). */
  nextAll(selector?: string): Selection {
    return this.#wrap(this.#sel.nextAll(selector));
  }
  /** Previous siblings (optionally filtered). */
  prev(selector?: string): Selection {
    return this.#wrap(this.#sel.prev(selector));
  }
  /** All preceding siblings (optionally filtered). */
  prevAll(selector?: string): Selection {
    return this.#wrap(this.#sel.prevAll(selector));
  }
  /** Parents (optionally filtered). */
  parent(selector?: string): Selection {
    return this.#wrap(this.#sel.parent(selector));
  }
  /** All ancestors (optionally filtered). */
  parents(selector?: string): Selection {
    return this.#wrap(this.#sel.parents(selector));
  }
  /** Siblings (optionally filtered). */
  siblings(selector?: string): Selection {
    return this.#wrap(this.#sel.siblings(selector));
  }
  /** Following siblings up to (not including) a match, then filtered. */
  nextUntil(until?: SelectorArg, filter?: string): Selection {
    const u = until === undefined ? undefined : this.#arg(until);
    return this.#wrap(this.#sel.nextUntil(u as string | undefined, filter));
  }
  /** Preceding siblings up to (not including) a match, then filtered. */
  prevUntil(until?: SelectorArg, filter?: string): Selection {
    const u = until === undefined ? undefined : this.#arg(until);
    return this.#wrap(this.#sel.prevUntil(u as string | undefined, filter));
  }
  /** Ancestors up to (not including) a match, then filtered. */
  parentsUntil(until?: SelectorArg, filter?: string): Selection {
    const u = until === undefined ? undefined : this.#arg(until);
    return this.#wrap(this.#sel.parentsUntil(u as string | undefined, filter));
  }

  /** The selection before the last filtering call. */
  end(): Selection {
    return this.#wrap(this.#sel.end());
  }
  /** The element at `index` (negative counts from the end). */
  eq(index: number): Selection {
    return this.#wrap(this.#sel.eq(index));
  }
  /** The first element. */
  first(): Selection {
    return this.#wrap(this.#sel.first());
  }
  /** The last element. */
  last(): Selection {
    return this.#wrap(this.#sel.last());
  }
  /** Children including text and comment nodes. */
  contents(): Selection {
    return this.#wrap(this.#sel.contents());
  }
  /** Element children (optionally filtered). */
  children(selector?: string): Selection {
    return this.#wrap(this.#sel.children(selector));
  }

  /** The combined text of all elements and their descendants. */
  text(): string {
    return this.#sel.text();
  }

  /** Attribute `name` of the first element, else `fallback` (undefined when not given). */
  attr(name: string, fallback?: unknown): unknown {
    const value = this.#sel.attr(name);
    return value === undefined ? fallback : value;
  }

  /** Inner HTML of the first element ('' for an empty selection). */
  html(): string {
    return this.#sel.html() ?? '';
  }

  /**
   * The value of the first form element as k6 reads it: an input's `value` (`on` for a checkbox
   * or radio without one), a button's `value`, a textarea's content, an option's value or text,
   * a select's selected option (an array for `multiple`); undefined for other elements.
   */
  val(): string | string[] | undefined {
    const node = this.#sel.get(0);
    if (!node || !isElementNode(node)) return undefined;
    const attr = (name: string) => node.attribs[name];
    switch (node.name) {
      case 'input': {
        const value = attr('value');
        if (value !== undefined) return value;
        const type = attr('type');
        return type === 'radio' || type === 'checkbox' ? 'on' : '';
      }
      case 'button':
        return attr('value') ?? '';
      case 'textarea':
        return this.html();
      case 'option':
        return optionValue(this.#$(node));
      case 'select': {
        const selected = this.#$(node).find('option[selected]');
        if (attr('multiple') !== undefined)
          return selected.toArray().map((o) => optionValue(this.#$(o)));
        return selected.length > 0 ? optionValue(selected.first()) : '';
      }
      default:
        return undefined;
    }
  }

  /** Calls `fn(index, element)` for each element; returns this selection. */
  each(fn: (index: number, element: Element) => unknown): Selection {
    if (typeof fn !== 'function') throw new TypeError('the argument to each() must be a function');
    this.#sel.each((i, node) => {
      fn(i, new Element(this.#$, node, this.url));
    });
    return this;
  }

  /** Elements matching a selector, a selection, or a predicate `(index, selection) => bool`. */
  filter(arg: string | Selection | ((index: number, sel: Selection) => unknown)): Selection {
    if (typeof arg === 'string') return this.#wrap(this.#sel.filter(arg));
    if (arg instanceof Selection) return this.#wrap(this.#sel.filter(arg.#sel as never));
    if (typeof arg !== 'function')
      throw new TypeError('the argument to filter() must be a function, a selector or a selection');
    return this.#wrap(this.#sel.filter((i, el) => Boolean(arg(i, this.#wrap(this.#$(el))))));
  }

  /** True when any element matches a selector, a selection, or a predicate. */
  is(arg: string | Selection | ((index: number, sel: Selection) => unknown)): boolean {
    if (typeof arg === 'string') return this.#sel.is(arg);
    if (arg instanceof Selection) return this.#sel.is(arg.#sel as never);
    if (typeof arg !== 'function')
      throw new TypeError('the argument to is() must be a function, a selector or a selection');
    return this.#sel.is((i, el) => Boolean(arg(i, this.#wrap(this.#$(el)))));
  }

  /** `fn(index, selection)` for each element, as an array. */
  map<T>(fn: (index: number, sel: Selection) => T): T[] {
    if (typeof fn !== 'function') throw new TypeError('the argument to map() must be a function');
    const out: T[] = [];
    this.#sel.each((i, node) => {
      out.push(fn(i, this.#wrap(this.#$(node))));
    });
    return out;
  }

  /** Elements from `start` to `end` (exclusive; to the end when omitted or too large). */
  slice(start: number, end?: number): Selection {
    return this.#wrap(
      end !== undefined && end < this.#sel.length
        ? this.#sel.slice(start, end)
        : this.#sel.slice(start),
    );
  }

  /** Every element as an {@link Element} (no argument), or the one at `index` (undefined out of range). */
  get(index?: number): Element | Element[] | undefined {
    const n = this.#sel.length;
    if (index === undefined)
      return this.#sel.toArray().map((node) => new Element(this.#$, node, this.url));
    if (index >= n || index <= -n) return undefined;
    return new Element(this.#$, this.#sel.get(index < 0 ? n + index : index)!, this.url);
  }

  /** Each element as a one-element selection. */
  toArray(): Selection[] {
    return this.#sel.toArray().map((node) => this.#wrap(this.#$(node)));
  }

  /** Position of the first element among its siblings, or of the argument within this set. */
  index(arg?: SelectorArg): number {
    if (arg === undefined) return this.#sel.index();
    if (typeof arg === 'string') return this.#sel.index(arg);
    const target = arg instanceof Selection ? arg.#sel.get(0) : arg.node;
    return target ? this.#sel.toArray().indexOf(target) : -1;
  }

  /** The `data-*` values of the first element (all of them, or one by camel-case key). */
  data(key?: string): unknown {
    const node = this.#sel.get(0);
    if (!node || !isElementNode(node) || Object.keys(node.attribs).length === 0) return undefined;
    if (key !== undefined) {
      const value = node.attribs[`data-${propertyToAttr(key)}`];
      return value === undefined ? undefined : convertDataValue(value);
    }
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.attribs)) {
      if (name.startsWith('data-') && name.length > 5)
        out[attrToProperty(name.slice(5))] = convertDataValue(value);
    }
    return out;
  }

  /**
   * The successful controls of a form (or of the selected fields), as k6 serializes them:
   * named, not disabled, not buttons or files, checkboxes and radios only when checked.
   */
  serializeArray(): FormValue[] {
    const submittable = 'input,select,textarea,keygen';
    const fields = this.#sel.is('form')
      ? this.#sel.find(submittable)
      : this.#sel.filter(submittable);
    const out: FormValue[] = [];
    fields.each((_, node) => {
      if (!isElementNode(node)) return;
      const a = node.attribs;
      const name = a['name'] ?? '';
      const type = a['type'] ?? '';
      const checked = a['checked'] ?? '';
      if (
        name === '' ||
        a['disabled'] === 'disabled' ||
        ['submit', 'button', 'reset', 'image', 'file'].includes(type) ||
        (checked !== 'checked' && (type === 'checkbox' || type === 'radio'))
      )
        return;
      out.push({ name, value: this.#wrap(this.#$(node)).val() });
    });
    return out;
  }

  /** {@link serializeArray} as an object (a later field of the same name wins). */
  serializeObject(): Record<string, string | string[] | undefined> {
    const out: Record<string, string | string[] | undefined> = {};
    for (const { name, value } of this.serializeArray()) out[name] = value;
    return out;
  }

  /** {@link serializeArray} as a URL-encoded query string (keys sorted, as Go's url.Values). */
  serialize(): string {
    const values = new Map<string, string[]>();
    for (const { name, value } of this.serializeArray()) {
      if (typeof value === 'string') values.set(name, [value]);
      else if (Array.isArray(value)) values.set(name, value);
    }
    const params: string[] = [];
    for (const name of [...values.keys()].sort()) {
      for (const v of values.get(name) ?? []) params.push(`${queryEscape(name)}=${queryEscape(v)}`);
    }
    return params.join('&');
  }
}

/** An option's `value` attribute, or its text. */
function optionValue(option: Cheerio<AnyNode>): string {
  return option.attr('value') ?? option.text();
}

/** Go's url.QueryEscape. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** An attribute as `element.attributes()` lists it. */
export interface Attribute {
  name: string;
  value: string;
  localName: string;
  prefix: string;
  namespaceURI: string;
}

/** One node with k6's DOM-like methods (what `each()` and `get()` return). */
export class Element {
  readonly #$: CheerioAPI;
  /** @internal */
  readonly node: AnyNode;
  readonly #url: string;

  /** @internal Elements come from selections. */
  constructor($: CheerioAPI, node: AnyNode, url: string) {
    this.#$ = $;
    this.node = node;
    this.#url = url;
  }

  #element(): DomElement | undefined {
    return isElementNode(this.node) ? this.node : undefined;
  }

  #of(node: AnyNode | null | undefined): Element | undefined {
    return node ? new Element(this.#$, node, this.#url) : undefined;
  }

  /** This element as a {@link Selection}. */
  selection(): Selection {
    return new Selection(this.#$, this.#$(this.node), this.#url);
  }
  /** An attribute's value, undefined when absent. */
  getAttribute(name: string): string | undefined {
    return this.#element()?.attribs[name];
  }
  /** True when the attribute is present. */
  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== undefined;
  }
  /** True when the element has any attribute. */
  hasAttributes(): boolean {
    return Object.keys(this.#element()?.attribs ?? {}).length > 0;
  }
  /** Attributes by name. */
  attributes(): Record<string, Attribute> {
    const out: Record<string, Attribute> = {};
    for (const [name, value] of Object.entries(this.#element()?.attribs ?? {})) {
      const colon = name.indexOf(':');
      out[name] = {
        name,
        value,
        localName: colon >= 0 ? name.slice(colon + 1) : name,
        prefix: colon >= 0 ? name.slice(0, colon) : '',
        namespaceURI: '',
      };
    }
    return out;
  }
  /** The text of the node and its descendants. */
  textContent(): string {
    return this.#$(this.node).text();
  }
  /** Inner HTML. */
  innerHTML(): string {
    return this.#$(this.node).html() ?? '';
  }
  /** The `id` attribute ('' when absent). */
  id(): string {
    return this.getAttribute('id') ?? '';
  }
  /** Upper-case tag name (`#text` for a text node, `#comment`, `#document`). */
  nodeName(): string {
    const el = this.#element();
    if (el) return el.name.toUpperCase();
    return this.node.type === 'text'
      ? '#text'
      : this.node.type === 'comment'
        ? '#comment'
        : '#document';
  }
  /** DOM node type (1 element, 3 text, 8 comment, 9 document). */
  nodeType(): number {
    if (this.#element()) return 1;
    return this.node.type === 'text' ? 3 : this.node.type === 'comment' ? 8 : 9;
  }
  /** The value of a text or comment node; undefined for elements. */
  nodeValue(): string | undefined {
    const data = (this.node as { data?: string }).data;
    return typeof data === 'string' ? data : undefined;
  }
  /** The `class` attribute. */
  className(): string | undefined {
    return this.getAttribute('class');
  }
  /** The classes. */
  classList(): string[] {
    return (this.getAttribute('class') ?? '').split(/\s+/).filter(Boolean);
  }
  /** The `lang` attribute. */
  lang(): string | undefined {
    return this.getAttribute('lang');
  }
  /** Child nodes (text included). */
  childNodes(): Element[] {
    return this.#$(this.node)
      .contents()
      .toArray()
      .map((n) => new Element(this.#$, n, this.#url));
  }
  /** Element children. */
  children(): Element[] {
    return this.#$(this.node)
      .children()
      .toArray()
      .map((n) => new Element(this.#$, n, this.#url));
  }
  /** Number of element children. */
  childElementCount(): number {
    return this.#$(this.node).children().length;
  }
  /** True when the node has children. */
  hasChildNodes(): boolean {
    return this.#$(this.node).contents().length > 0;
  }
  /** First child node. */
  firstChild(): Element | undefined {
    return this.#of(this.#$(this.node).contents().get(0));
  }
  /** Last child node. */
  lastChild(): Element | undefined {
    return this.#of(this.#$(this.node).contents().last().get(0));
  }
  /** First element child. */
  firstElementChild(): Element | undefined {
    return this.#of(this.#$(this.node).children().get(0));
  }
  /** Last element child. */
  lastElementChild(): Element | undefined {
    return this.#of(this.#$(this.node).children().last().get(0));
  }
  /** Previous sibling node. */
  previousSibling(): Element | undefined {
    return this.#of(this.node.prev);
  }
  /** Next sibling node. */
  nextSibling(): Element | undefined {
    return this.#of(this.node.next);
  }
  /** Previous element sibling. */
  previousElementSibling(): Element | undefined {
    return this.#of(this.#$(this.node).prev().get(0));
  }
  /** Next element sibling. */
  nextElementSibling(): Element | undefined {
    return this.#of(this.#$(this.node).next().get(0));
  }
  /** Parent node. */
  parentNode(): Element | undefined {
    return this.#of(this.node.parent);
  }
  /** Parent element. */
  parentElement(): Element | undefined {
    const parent = this.node.parent;
    return parent && isElementNode(parent) ? this.#of(parent) : undefined;
  }
  /** Descendants with the class. */
  getElementsByClassName(name: string): Element[] {
    return this.querySelectorAll(`.${name}`);
  }
  /** Descendants with the tag name. */
  getElementsByTagName(name: string): Element[] {
    return this.querySelectorAll(name);
  }
  /** The first descendant matching. */
  querySelector(selector: string): Element | undefined {
    return this.#of(this.#$(this.node).find(selector).get(0));
  }
  /** Every descendant matching. */
  querySelectorAll(selector: string): Element[] {
    return this.#$(this.node)
      .find(selector)
      .toArray()
      .map((n) => new Element(this.#$, n, this.#url));
  }
  /** True when the element matches the selector. */
  matches(selector: string): boolean {
    return this.#$(this.node).is(selector);
  }
  /** True when `other` is a descendant of (or is) this node. */
  contains(other: Element): boolean {
    for (let n: AnyNode | null = other.node; n; n = n.parent) if (n === this.node) return true;
    return false;
  }
  /** True when both wrap the same node. */
  isSameNode(other: Element): boolean {
    return other instanceof Element && other.node === this.node;
  }
  /** True when both serialize to the same HTML. */
  isEqualNode(other: Element): boolean {
    return other instanceof Element && this.#$.html(other.node) === this.#$.html(this.node);
  }
  /** `[object HTMLInputElement]`-style name, as k6. */
  toString(): string {
    const el = this.#element();
    return el ? `[object html.${el.name.toUpperCase()}]` : '[object html.Node]';
  }
}

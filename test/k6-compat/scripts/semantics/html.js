// k6/html and response.html(): selections, elements, form values, and res.submitForm() /
// res.clickLink() against a page served by the test (HTML_URL).
import http from 'k6/http';
import { check } from 'k6';
import { parseHTML } from 'k6/html';

export const options = { vus: 1, iterations: 2 };

export default function () {
  const page = http.get(__ENV.HTML_URL);
  const doc = page.html();
  const titles = [];
  doc.find('ul.items li').each((i, el) => {
    titles.push(`${i}:${el.textContent()}:${el.getAttribute('data-id')}`);
  });
  check(doc, {
    'title text': (d) => d.find('h1').text() === 'Shop',
    'csrf attr': (d) => d.find('input[name=csrf]').attr('value') === 'tok-42',
    'attr fallback': (d) => d.find('h1').attr('missing', 'none') === 'none',
    'size and eq': (d) => d.find('li').size() === 3 && d.find('li').eq(1).text() === 'Beta',
    'first and last': (d) => d.find('li').first().text() === 'Alpha' && d.find('li').last().text() === 'Gamma',
    'children': (d) => d.find('ul.items').children().size() === 3,
    'implied tbody': (d) => d.find('table tbody tr td').text() === 'cell',
    'select val': (d) => d.find('select[name=size]').val() === 'm',
    'multiple select val': (d) => JSON.stringify(d.find('select[name=extras]').val()) === '["x","z"]',
    'checkbox val': (d) => d.find('input[name=gift]').val() === 'on',
    'textarea val': (d) => d.find('textarea').val() === 'hello',
    'data()': (d) => d.find('li').first().data('id') === 1,
    'map and toArray': (d) => d.find('li').map((i, s) => s.text()).join(',') === 'Alpha,Beta,Gamma' && d.find('li').toArray()[2].text() === 'Gamma',
    'get() elements': (d) => d.find('li').get(0).nodeName() === 'LI' && d.find('li').get().length === 3,
    'each gave elements': () => titles.join('|') === '0:Alpha:1|1:Beta:2|2:Gamma:3',
    'html(selector)': () => page.html('li').size() === 3,
    'serialize': (d) => d.find('#order').serialize() === 'csrf=tok-42&extras=x&extras=z&note=hello&size=m',
    'parseHTML': () => parseHTML('<p class="a">x</p><p>y</p>').find('p.a').text() === 'x',
  });
  const submitted = page.submitForm({ formSelector: '#order', fields: { qty: '2' } });
  check(submitted.json(), {
    'submitForm method and action': (j) => j.method === 'POST' && j.url === '/echo-form',
    'submitForm body': (j) =>
      j.body === 'csrf=tok-42&extras=x&extras=z&go=buy&note=hello&qty=2&size=m',
  });
  const searched = page.submitForm({ formSelector: '#search' });
  check(searched.json(), { 'GET form in the query': (j) => j.method === 'GET' && j.url === '/echo-form?q=shoes' });
  const clicked = page.clickLink({ selector: 'a.next' });
  check(clicked, { 'clickLink followed': (r) => r.status === 200 && r.json().url === '/shop/echo-form?page=2' });
}

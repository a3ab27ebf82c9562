// k6/browser is not supported: the error names the module and this import's line.
import http from 'k6/http';
import { browser } from 'k6/browser';

export default async function () {
  const page = await browser.newPage();
  http.get('http://127.0.0.1:1/');
  await page.close();
}

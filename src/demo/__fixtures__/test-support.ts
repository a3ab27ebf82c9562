/** Helpers shared by the demo's tests: JSON requests and the example k6 script's login with either body encoding. */
import { DEMO_USER } from '../password.js';

/** A decoded JSON response. */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Sends a request and decodes the JSON answer. */
export async function requestJson(
  url: string,
  init: { method?: string; token?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(url, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/** Logs the demo user in (form-encoded like k6's object body, or JSON) and returns the token. */
export async function loginAsDemoUser(
  baseUrl: string,
  encoding: 'form' | 'json' = 'form',
): Promise<string> {
  const credentials = { email: DEMO_USER.email, password: DEMO_USER.password };
  const response = await requestJson(
    `${baseUrl}/auth/login`,
    encoding === 'form' ? { form: credentials } : { json: credentials },
  );
  if (response.status !== 200 || typeof response.body['token'] !== 'string') {
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body['token'];
}

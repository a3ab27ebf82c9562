// The k6 corpus: public scripts by many authors, each pinned to a commit, run unchanged by
// run-corpus.mjs against the local emulator (server.mjs). The scripts are not vendored (several
// repositories have no licence that allows it); fetch-corpus.mjs re-creates them from this list.
//
// Each entry: repo, commit, path; `args` = CLI overrides that bound the run (default
// `--vus 1 --iterations 2`, as `k6 run --vus 1 --iterations 2`); `env` = -e values; `expect`:
//   undefined            k6 runs it with exit 0, every check passes, no iteration error
//   { exit }             k6's exit code (99 = thresholds failed, ...); { exits } when random
//   { failingChecks }    checks k6 also fails against the emulator (names), with `why`
//   { iterationErrors }  the script throws in iterations in k6 too (with `why`)
//   { randomChecks }     checks on Math.random() (any outcome is k6's)
//   { refusedInIteration: /re/ }  an API Redline documents as unsupported, refused where used
//   { refused: /re/ }    out of scope (k6/browser, xk6 extensions, ...): must be refused with a
//                        message matching the pattern, before the run (exit 107 or 104)
// `why` says what k6 does and why, from the script and k6's documentation.

const K6 = ['grafana/k6', '87883075ccd5e3d3fb961a860b3d6e422bbc353b'];
const QP = ['grafana/quickpizza', '75485936dfea5e969b8159b06adee762da6c5799'];
const WORKSHOP = ['grafana/k6-oss-workshop', '6a2343fecd5e632706e6e8faa27cf292d105241b'];
const ANSHITA = ['Anshita-Bhasin/k6_examples', 'd8c4058ebe2ed9e502c4b8a308b140421c223a4c'];
const NARA = ['NarasimhaYanamala/k6-personal', '064810db983a678528f5c1c3f32d0f1ec75c81f4'];
const DEMOUM = ['demoum/k6-load-test', '6fa1fae948d354feb07fa591793473909649bc90'];
const EDMANQ = ['EdmanQ/demo_repo_k6', 'd7eae4f1f5f4926ae08ec7f4f251d915988edad9'];
const PETSTORE = ['LUCASCNASC/k6-petstore', 'a985ded0cc1a96705acc9f7db4d080b7abee66f7'];

/** Where https:// module imports come from (the runner serves them with --module-mirror). */
export const MODULE_SOURCES = {
  'https://jslib.k6.io/': [
    'grafana/jslib.k6.io',
    '3e78e23e519169dd19bb81374ccfcb11a29c3478',
    'lib/',
  ],
  'https://raw.githubusercontent.com/grafana/k6/master/': ['grafana/k6', K6[1], ''],
  'https://raw.githubusercontent.com/benc-uk/k6-reporter/main/': [
    'benc-uk/k6-reporter',
    '25058f7861695cb4fe6e0ecf6415ea489c489005',
    '',
  ],
};

const BROWSER = /k6\/(experimental\/)?browser/;
const XK6 = /k6\/x\/|extension/;

const e = (src, path, extra = {}) => ({ repo: src[0], commit: src[1], path, ...extra });

/** The corpus. */
export const CORPUS = [
  // grafana/k6 examples/
  e(K6, 'examples/base64.js'),
  e(K6, 'examples/cookies.js'),
  e(K6, 'examples/crypto.js'),
  e(K6, 'examples/custom_metrics.js'),
  e(K6, 'examples/es6sample.js', {
    expect: {
      randomChecks: ['top-level test', 'random value is < 0.5'],
      failingChecks: ['always fails'],
      exits: [0, 99],
      why: 'checks on Math.random() and a check written to fail; the my_rate>=0.4 threshold is on Math.random() too',
    },
  }),
  e(K6, 'examples/graphql.js'),
  e(K6, 'examples/html_form_post.js'),
  e(K6, 'examples/http_2.js', { tls: true }),
  e(K6, 'examples/http_basic_auth.js'),
  e(K6, 'examples/http_batch.js'),
  e(K6, 'examples/http_digest_auth.js'),
  e(K6, 'examples/http_get.js'),
  e(K6, 'examples/http_verbs.js'),
  e(K6, 'examples/json.js'),
  e(K6, 'examples/jwt.js'),
  e(K6, 'examples/logging.js'),
  e(K6, 'examples/ocsp.js', {
    tls: true,
    expect: {
      failingChecks: ['is OCSP response good'],
      why: 'the local TLS server staples no OCSP response: k6 reports status "unknown" too',
    },
  }),
  e(K6, 'examples/redirects.js'),
  e(K6, 'examples/stages.js'),
  e(K6, 'examples/tagging.js'),
  e(K6, 'examples/thresholds.js'),
  e(K6, 'examples/thresholds_readme_example.js', { tls: true }),
  e(K6, 'examples/timers.js'),
  e(K6, 'examples/tls_skip_cert_verification.js', { tls: true }),
  e(K6, 'examples/tlsconfig.js', { tls: true }),
  e(K6, 'examples/websocket.js'),
  e(K6, 'examples/websockets/test-echo.js'),
  e(K6, 'examples/websockets/ws.js'),
  e(K6, 'examples/enhanced/script.ts'),
  e(K6, 'examples/webcrypto/digest.js'),
  e(K6, 'examples/webcrypto/getRandomValues.js'),
  e(K6, 'examples/webcrypto/randomUUID.js'),
  e(K6, 'examples/webcrypto/sign_verify/sign-verify-hmac.js'),
  e(K6, 'examples/webcrypto/encrypt_decrypt/encrypt-decrypt-aes-gcm.js'),
  e(K6, 'examples/webcrypto/generateKey/generateKey-ecdsa.js'),
  e(K6, 'examples/browser/querying.js', { expect: { refused: BROWSER } }),
  // grafana/quickpizza k6/
  ...[
    'k6/foundations/01.basic.js',
    'k6/foundations/01.basic.ts',
    'k6/foundations/02.stages.js',
    'k6/foundations/03.lifecycle.js',
    'k6/foundations/04.metrics.js',
    'k6/foundations/05.thresholds.js',
    'k6/foundations/06.checks-with-thresholds.js',
    'k6/foundations/10.summary.js',
    'k6/foundations/14.basic.tracing.js',
    'k6/foundations/17.login-action.js',
    // QuickPizza's own API test: k6chaijs describe() blocks making requests, exitOnError on.
    'k6/internal/01.quickpizza.js',
  ].map((p) => e(QP, p)),
  // Scenarios with exec functions: run as written (--iterations would replace them, as in k6).
  ...[
    'k6/foundations/07.scenarios.js',
    'k6/foundations/08.arrival-rate.js',
    'k6/foundations/09.data.js',
    'k6/foundations/13.basic.websockets.js',
  ].map((p) => e(QP, p, { args: [] })),
  e(QP, 'k6/foundations/11.composability.js', { expect: { refused: BROWSER } }),
  e(QP, 'k6/browser/01.basic.js', { expect: { refused: BROWSER } }),
  e(QP, 'k6/extensions/01.quickpizzaext.js', { expect: { refused: XK6 } }),
  // grafana/k6-oss-workshop
  e(WORKSHOP, 'test.js'),
  // Anshita-Bhasin/k6_examples
  ...[
    'get-api.js',
    'post-api.js',
    'post-api-dynamic-payload.js',
    'post-go-rest-api.js',
    'stress-test.js',
    'threshold-test.js',
  ].map((p) => e(ANSHITA, p)),
  e(ANSHITA, 'browsertest.js', { expect: { refused: BROWSER } }),
  // NarasimhaYanamala/k6-personal (a k6 course's demo files)
  ...[
    '1-Installation/test-script.js',
    '3-k6-basics/first_k6_test.js',
    '3-k6-basics/vu_test.js',
    '3-k6-basics/vus_iterations.js',
    '4-k6-terminology/check_eg1.js',
    '4-k6-terminology/check_eg2.js',
    '4-k6-terminology/check_eg4.js',
    '4-k6-terminology/metric_counter.js',
    '4-k6-terminology/metric_gauge.js',
    '4-k6-terminology/metric_rate.js',
    '4-k6-terminology/metric_trend.js',
    '4-k6-terminology/threshold_eg1.js',
    '4-k6-terminology/threshold_eg4.js',
    '4-k6-terminology/threshold_eg6.js',
    '6-test-cycle/test-cycle.js',
    '7-modules/module-crypto.js',
    '7-modules/module-data.js',
    '7-modules/module-encoding.js',
    '7-modules/module-execution.js',
    '7-modules/module-html.js',
    '7-modules/module-http-batch-array.js',
    '7-modules/module-http-batch-named-prop.js',
    '7-modules/module-http-batch-req-object.js',
    '7-modules/module-http.js',
    '7-modules/module-metrics.js',
    '8-Tags-and-Groups/groups-eg1.js',
    '8-Tags-and-Groups/tags-and-groups.js',
    '8-Tags-and-Groups/tags-eg1.js',
    '9-cookies/k6-cookie-demo.js',
    '9-cookies/k6-cookie-demo2.js',
    '10-context/execution-context-variables.js',
    '14-output/handle-summary-eg2.js',
    '14-output/handle-summary-modify-output.js',
    '16-Usecases/1-basic-auth.js',
    '16-Usecases/2-digest-auth.js',
    '16-Usecases/3-parse-html.js',
    '16-Usecases/4-parse-html-tag.js',
    '16-Usecases/5-cookie-clear-all.js',
    '16-Usecases/5-cookie-deleting.js',
    '16-Usecases/5-cookie-get.js',
    '16-Usecases/5-cookie-setting.js',
    '16-Usecases/6-multipart-upload.js',
    '16-Usecases/7-websocket.js',
    '16-Usecases/8-CRUD-Operations.js',
    '17-Adv/1-custom-metric.js',
  ].map((p) => e(NARA, `0-Demo-Files/${p}`)),
  e(NARA, '0-Demo-Files/4-k6-terminology/check_eg3.js', {
    expect: {
      failingChecks: ['response body contains success'],
      why: "the crocodile API's answer has no 'success' (the real one neither)",
    },
  }),
  e(NARA, '0-Demo-Files/4-k6-terminology/metric_custom.js', {
    expect: {
      exit: 99,
      why: "count>100 on a counter after 2 iterations (the runner's overrides): k6 fails it too",
    },
  }),
  e(NARA, '0-Demo-Files/4-k6-terminology/threshold_eg3.js', { args: [] }),
  e(NARA, '0-Demo-Files/5-options/exec_script.js', {
    args: [],
    why: 'reads options.scenarios.default.stages: run as written',
  }),
  e(NARA, '0-Demo-Files/14-output/output-junit.js', { tls: true }),
  e(NARA, '0-Demo-Files/16-Usecases/4-form-submit.js', {
    expect: {
      failingChecks: ['custemail is correct', 'custname is correct'],
      why: 'the script submits adsf1@sf.cm / name1 and checks adsf@sf.cm / name: k6 fails both',
    },
  }),
  // demoum/k6-load-test
  ...[
    'aula/script-aula.js',
    'script/bonus-1.js',
    'script/exercicio-1.js',
    'script/exercicio-4.js',
    'script/exercicio-5.js',
  ].map((p) => e(DEMOUM, p)),
  e(DEMOUM, 'script/exercicio-2.js', {
    expect: {
      exit: 107,
      why: "open('/dados.json') is an absolute path that does not exist: k6's init fails too",
    },
  }),
  e(DEMOUM, 'script/exercicio-3.js', {
    expect: {
      exit: 99,
      why: "threshold http_req_failed 'rate > 0.01' (a typo for <) fails when nothing fails, in k6 too",
    },
  }),
  // EdmanQ/demo_repo_k6
  ...['smoketest.js', 'loadtest.js'].map((p) => e(EDMANQ, p)),
  // LUCASCNASC/k6-petstore
  // These use group() and check() without importing them: a ReferenceError in every iteration
  // (k6 too), so no request is made and the thresholds on http_reqs and vus fail: exit 99.
  ...[
    'smoke/pet/get_pet_petId.js',
    'smoke/pet/post_pet.js',
    'smoke/store/get_store_inventory.js',
    'smoke/user/get_user_login.js',
    'smoke/user/post_user.js',
  ].map((p) =>
    e(PETSTORE, p, {
      expect: {
        exit: 99,
        iterationErrors: true,
        why: 'group/check not imported: ReferenceError in each iteration, as in k6',
      },
    }),
  ),
];

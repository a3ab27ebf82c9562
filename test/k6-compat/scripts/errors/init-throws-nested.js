// The init context calls a helper module that throws: the error shows both of the script's
// frames (the helper, then this file), and none of Redline's.
import http from 'k6/http';
import { requireSetting } from './lib-settings.js';

const base = requireSetting('REDLINE_TEST_NO_SUCH_SETTING');

export default function () {
  http.get(base);
}

// k6/ws is not supported: the error names the module and this import's line.
import http from 'k6/http';
import ws from 'k6/ws';

export default function () {
  ws.connect('ws://127.0.0.1:1/', {}, () => {});
  http.get('http://127.0.0.1:1/');
}

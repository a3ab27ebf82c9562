/**
 * `https://jslib.k6.io/papaparse/<version>/index.js` served by the npm package papaparse (the
 * library jslib ships), so CSV parsing works offline: `import papaparse from '…'`.
 */
import Papa from 'papaparse';

export default Papa;

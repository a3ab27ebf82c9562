// Stands for k6chaijs (minified CommonJS): describe() calls its callback synchronously in group().
const k6 = require('k6');

function describe(name, fn) {
  let ok = true;
  k6.group(name, () => {
    try {
      fn();
    } catch (error) {
      ok = false;
    }
  });
  return ok;
}

module.exports = { describe };

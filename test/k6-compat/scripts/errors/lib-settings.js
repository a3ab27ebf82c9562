// A helper module of init-throws-nested.js: reads a required setting, throws when it is missing.
export function requireSetting(name) {
  const value = __ENV[name];
  if (!value) throw new Error(`missing setting ${name}`);
  return value;
}

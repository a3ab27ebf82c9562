// A TypeScript script whose init context throws through a typed helper: frames at the .ts lines.
interface Settings {
  url: string;
}

function parseSettings(text: string): Settings {
  const parsed = JSON.parse(text) as Settings;
  return parsed;
}

const settings: Settings = parseSettings('{not json');

export default async function (): Promise<void> {
  await fetch(settings.url);
}
